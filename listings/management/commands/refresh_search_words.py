"""`manage.py refresh_search_words`: rebuild the "did you mean" vocabulary (run by cron)."""

from django.core.management.base import BaseCommand

from listings.services.scheduled import refresh_search_words


class Command(BaseCommand):
    help = "Rebuild the vocabulary of open listings used for 'did you mean' suggestions."

    def handle(self, *args, **options):
        refresh_search_words()
        self.stdout.write("Search vocabulary refreshed.")
