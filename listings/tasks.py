"""Scheduled work, run by the queue's workers (no cron): each periodic task is deferred
once per period whatever the number of workers, and its lock lets only one worker run
it at a time. The work itself is in listings/services/scheduled.py."""

from procrastinate.contrib.django import app

from listings.services import scheduled


def periodic(cron: str, name: str):
    """A task that the queue defers on `cron`; one run at a time across all workers
    (`lock`), and never two waiting (`queueing_lock`)."""

    def decorate(function):
        task = app.task(name=f"listings.{name}", queue="scheduled", lock=name,
                        queueing_lock=name, pass_context=False)(function)  # fmt: skip
        return app.periodic(cron=cron, periodic_id=name)(task)

    return decorate


@periodic("*/15 * * * *", "expire_listings")
def expire_listings(timestamp: int) -> None:
    """Expire listings past their date, warn labs 7 days ahead (every 15 minutes)."""
    scheduled.expire_listings()


@periodic("0 * * * *", "send_search_alerts")
def send_search_alerts(timestamp: int) -> None:
    """Saved-search alerts that are due (hourly; each search daily or weekly)."""
    scheduled.send_search_alerts()


@periodic("0 7 * * *", "send_follow_up_reminders")
def send_follow_up_reminders(timestamp: int) -> None:
    """Follow-up reminders that are due today (07:00, TIME_ZONE)."""
    scheduled.send_follow_up_reminders()


@periodic("*/15 * * * *", "refresh_search_words")
def refresh_search_words(timestamp: int) -> None:
    """Rebuild the did-you-mean vocabulary (every 15 minutes)."""
    scheduled.refresh_search_words()


@periodic("* * * * *", "refresh_search_summary")
def refresh_search_summary(timestamp: int) -> None:
    """Exact counts for the search page without filters (every minute; large boards)."""
    scheduled.refresh_search_summary()


@periodic("*/15 * * * *", "refresh_option_summaries")
def refresh_option_summaries(timestamp: int) -> None:
    """Exact counts for one-option searches without words (every 15 minutes)."""
    scheduled.refresh_option_summaries()
