"""Restore a backup folder (from `manage.py backup`) into a fresh database and
MEDIA_ROOT: manage.py restore --input DIR [--database NAME]."""

from __future__ import annotations

import shutil
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from labjobs.backups import (
    create_database,
    database_is_empty,
    pg_binary,
    pg_connection_args,
    pg_environment,
    server_major,
)

from .backup import DUMP_NAME, MEDIA_NAME


class Command(BaseCommand):
    help = (
        "Restore database.dump into a database that is new or empty (created if missing) "
        "and media.tar.gz into MEDIA_ROOT. Point DATABASE_NAME/DATABASE_URL and "
        "MEDIA_ROOT at the target first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, help="A folder written by backup.")

    def handle(self, *args, input, **options):
        folder = Path(input)
        dump, media = folder / DUMP_NAME, folder / MEDIA_NAME
        if not dump.exists() or not media.exists():
            raise CommandError(f"{folder} has no {DUMP_NAME} and {MEDIA_NAME}.")
        database = settings.DATABASES["default"]
        create_database(database)
        major = server_major(connection)
        if not database_is_empty(connection):
            raise CommandError(
                f"Database {database['NAME']} is not empty; restore into a new database "
                "(set DATABASE_NAME) so that nothing is overwritten."
            )
        connection.close()
        result = subprocess.run(  # noqa: S603 - our own pg_restore, fixed arguments
            [pg_binary("pg_restore", major), "--no-owner", "--exit-on-error",
             "--single-transaction", *pg_connection_args(database), str(dump)],
            env=pg_environment(database), capture_output=True, text=True, check=False,
        )  # fmt: skip
        if result.returncode:
            raise CommandError(f"pg_restore failed: {result.stderr.strip()}")
        media_root = Path(settings.MEDIA_ROOT)
        if media_root.exists() and any(media_root.iterdir()):
            raise CommandError(f"MEDIA_ROOT {media_root} is not empty; nothing was extracted.")
        with tarfile.open(media) as archive, _staging(media_root) as staging:
            archive.extractall(staging, filter="data")  # refuses absolute paths and links out
            extracted = staging / "media"
            if extracted.exists():
                for item in extracted.iterdir():
                    shutil.move(str(item), media_root / item.name)
        self.stdout.write(f"Restored {dump} into {database['NAME']} and media into {media_root}.")


class _staging:
    def __init__(self, media_root: Path):
        self.path = media_root.parent / f".{media_root.name}-restore"

    def __enter__(self) -> Path:
        self.path.mkdir(parents=True, exist_ok=True)
        return self.path

    def __exit__(self, *exc):
        shutil.rmtree(self.path, ignore_errors=True)
