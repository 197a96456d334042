"""The embedded PostgreSQL that development and the tests run on (labjobs/devdb.py)."""

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from labjobs import devdb

pytestmark = pytest.mark.skipif(
    not settings.USING_EMBEDDED_DATABASE, reason="DATABASE_URL names a server of its own"
)


def _shared_buffers_bytes(value: str | None = None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_size_bytes(coalesce(%s, current_setting('shared_buffers')))", [value]
        )
        return cursor.fetchone()[0]


def test_the_embedded_server_runs_with_the_configured_shared_buffers(db):
    """1 GB unless EMBEDDED_DB_SHARED_BUFFERS says otherwise, not PostgreSQL's 128 MB."""
    assert _shared_buffers_bytes() == _shared_buffers_bytes(settings.EMBEDDED_DB_SHARED_BUFFERS)
    assert _shared_buffers_bytes() > 128 * 1024 * 1024


def test_a_new_size_waits_for_the_next_start_while_others_are_connected(db):
    """Another client is connected (this test's own connection): the new size is
    written for the server's next start, and the server is not restarted under it."""
    socket_dir = devdb.ensure_running()
    running = _shared_buffers_bytes()
    auto_conf = devdb.DATA_DIR / "postgresql.auto.conf"
    try:
        assert devdb._set_shared_buffers(socket_dir, "256MB") is False
        assert "shared_buffers = '256MB'" in auto_conf.read_text()
        assert _shared_buffers_bytes() == running
        # The size it runs with already: nothing to write, nothing to restart.
        assert devdb._set_shared_buffers(socket_dir, settings.EMBEDDED_DB_SHARED_BUFFERS) is False
    finally:
        with psycopg.connect(host=socket_dir, user=devdb.SUPERUSER, dbname="postgres",
                             autocommit=True) as admin:  # fmt: skip
            admin.execute(
                psycopg.sql.SQL("ALTER SYSTEM SET shared_buffers = {}").format(
                    settings.EMBEDDED_DB_SHARED_BUFFERS
                )
            )
    assert "shared_buffers = '256MB'" not in auto_conf.read_text()
