"""Expire listings past their expiry date and warn labs a week ahead (cron, hourly):
manage.py expire_listings."""

from django.core.management.base import BaseCommand

from listings.services.scheduled import expire_listings


class Command(BaseCommand):
    help = (
        "Expire published listings past their expiry date, and email their labs 7 days "
        "before, with a renew link. Safe to run often and twice."
    )

    def handle(self, *args, **options):
        expired, warned = expire_listings()
        self.stdout.write(f"Expired {expired} listing(s); warned {warned} lab(s) of expiry.")
