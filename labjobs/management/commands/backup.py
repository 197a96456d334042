"""Back up the database (pg_dump, custom format) and the uploaded files (a tar.gz of
MEDIA_ROOT) into one folder: manage.py backup [--output DIR]."""

from __future__ import annotations

import subprocess
import tarfile
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from labjobs.backups import pg_binary, pg_connection_args, pg_environment, server_major

DUMP_NAME = "database.dump"
MEDIA_NAME = "media.tar.gz"


class Command(BaseCommand):
    help = "Write database.dump (pg_dump -Fc) and media.tar.gz to a new backup folder."

    def add_arguments(self, parser):
        stamp = datetime.now(tz=UTC).strftime("%Y%m%dT%H%M%SZ")
        parser.add_argument(
            "--output", default=str(settings.BASE_DIR / "backups" / stamp),
            help="Folder to create (default: backups/<UTC time>).",
        )  # fmt: skip

    def handle(self, *args, output, **options):
        folder = Path(output)
        if folder.exists() and any(folder.iterdir()):
            raise CommandError(f"{folder} is not empty; choose a new folder.")
        folder.mkdir(parents=True, exist_ok=True)
        major = server_major(connection)  # connecting starts the embedded server if needed
        dump = folder / DUMP_NAME
        result = subprocess.run(  # noqa: S603 - our own pg_dump, fixed arguments
            [pg_binary("pg_dump", major), "--format=custom", "--no-owner", "--file", str(dump),
             *pg_connection_args(settings.DATABASES["default"])],
            env=pg_environment(settings.DATABASES["default"]),
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if result.returncode:
            raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
        media_root = Path(settings.MEDIA_ROOT)
        with tarfile.open(folder / MEDIA_NAME, "w:gz") as archive:
            if media_root.exists():
                archive.add(media_root, arcname="media")
        self.stdout.write(
            f"Backed up {settings.DATABASES['default']['NAME']} to {dump} "
            f"({dump.stat().st_size:,} bytes) and {media_root} to {folder / MEDIA_NAME}."
        )
