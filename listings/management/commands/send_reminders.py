"""Email students whose follow-up date has come (cron, daily): manage.py send_reminders."""

from django.core.management.base import BaseCommand

from listings.services.scheduled import send_follow_up_reminders


class Command(BaseCommand):
    help = "Email each student whose application follow-up date has come (once per date)."

    def handle(self, *args, **options):
        sent = send_follow_up_reminders()
        self.stdout.write(f"Sent {sent} follow-up reminder(s).")
