"""`manage.py devdb start|stop|status|url`: control the embedded PostgreSQL server."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.utils import OperationalError

from labjobs import devdb


class Command(BaseCommand):
    help = "Start, stop or locate the embedded PostgreSQL used when DATABASE_URL is unset."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["start", "stop", "status", "url"])

    def handle(self, *args, action, **options):
        if not settings.USING_EMBEDDED_DATABASE:
            if action == "start":
                # A server of your own: check that it answers, create the database if missing.
                self._ensure_database()
                self.stdout.write("DATABASE_URL is set; its server answers.")
                return
            raise CommandError("DATABASE_URL is set, so the embedded PostgreSQL is not used.")
        if action == "start":
            devdb.ensure_running()
            self.stdout.write(f"Embedded PostgreSQL is running (data in {devdb.DATA_DIR}).")
        elif action == "stop":
            stopped = devdb.stop()
            self.stdout.write("Stopped." if stopped else "It was not running.")
        elif action == "status":
            self.stdout.write("running" if devdb.is_running() else "stopped")
        else:
            self.stdout.write(devdb.url())

    def _ensure_database(self) -> None:
        try:
            connection.ensure_connection()
        except OperationalError as exc:
            if "does not exist" not in str(exc):
                raise
            name = connection.settings_dict["NAME"]
            # Connects to the server's maintenance database, as the test runner does.
            with connection._nodb_cursor() as cursor:
                cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
            self.stdout.write(f"Created database {name!r}.")
            connection.ensure_connection()
