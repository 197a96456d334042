"""`manage.py devdb start|stop|status|url`: control the embedded PostgreSQL server."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from labjobs import devdb


class Command(BaseCommand):
    help = "Start, stop or locate the embedded PostgreSQL used when DATABASE_URL is unset."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["start", "stop", "status", "url"])

    def handle(self, *args, action, **options):
        if not settings.USING_EMBEDDED_DATABASE:
            if action == "start":
                # A server of your own: only check that it answers.
                connection.ensure_connection()
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
