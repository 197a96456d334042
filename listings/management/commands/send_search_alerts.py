"""Email saved searches' new listings (cron, hourly or daily): manage.py send_search_alerts."""

from django.core.management.base import BaseCommand

from listings.services.scheduled import send_search_alerts


class Command(BaseCommand):
    help = (
        "Email each due saved search (daily or weekly) the listings published since its "
        "last alert. Safe to run often and twice: nothing is sent twice."
    )

    def handle(self, *args, **options):
        checked, sent = send_search_alerts()
        self.stdout.write(f"Checked {checked} due saved search(es); sent {sent} email(s).")
