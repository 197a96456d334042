"""Scheduled work is the queue's: four periodic tasks, each with its cron and a lock,
each running its service (no cron lines for a deployer to get right)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from procrastinate.contrib.django import app

from listings import tasks
from listings.models import Listing
from tests.support.factories import PublishedListingFactory

pytestmark = pytest.mark.django_db


def test_the_five_scheduled_jobs_are_periodic_with_a_lock_each():
    app.perform_import_paths()
    periodic = {
        entry.task.name: (entry.cron, entry.task.lock, entry.task.queueing_lock)
        for entry in app.periodic_registry.periodic_tasks.values()
    }
    assert periodic == {
        "listings.expire_listings": ("*/15 * * * *", "expire_listings", "expire_listings"),
        "listings.send_search_alerts": ("0 * * * *", "send_search_alerts", "send_search_alerts"),
        "listings.send_follow_up_reminders": (
            "0 7 * * *", "send_follow_up_reminders", "send_follow_up_reminders",
        ),
        "listings.refresh_search_words": (
            "*/15 * * * *", "refresh_search_words", "refresh_search_words",
        ),
        "listings.refresh_search_summary": (
            "* * * * *", "refresh_search_summary", "refresh_search_summary",
        ),
        "listings.refresh_option_summaries": (
            "*/15 * * * *", "refresh_option_summaries", "refresh_option_summaries",
        ),
    }  # fmt: skip


def test_a_periodic_run_does_the_work():
    listing = PublishedListingFactory(expires_at=timezone.now() - timedelta(minutes=1))
    tasks.expire_listings(timestamp=0)
    assert Listing.objects.get(pk=listing.pk).status == "expired"
