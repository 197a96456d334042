"""Work that runs on a schedule, not in a request: expiring listings and warning
their labs, follow-up reminders, saved-search alerts, the did-you-mean vocabulary.
Each is safe to run twice at once: every item is claimed in its own transaction."""

from __future__ import annotations

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import QueryDict
from django.utils import timezone

from labjobs.errors import IllegalTransition
from listings.filters import ListingFilter
from listings.models import (
    IN_PROCESS,
    AlertFrequency,
    Application,
    ApplicationStatus,
    Listing,
    ListingStatus,
    SavedSearch,
)
from listings.search import counts
from listings.search.facets import facet_counts
from listings.search.page import keep_exact_counts
from listings.search.suggest import refresh_search_words

from . import notifications

__all__ = [
    "expire_listings", "refresh_search_words", "send_follow_up_reminders", "send_search_alerts",
]  # fmt: skip

EXPIRY_WARNING = timedelta(days=7)
ALERT_MAX_LISTINGS = 20
# Cron runs a little early or late; a daily alert sent at 07:00:05 is due again at 07:00.
ALERT_SLACK = timedelta(hours=1)


def expire_listings(*, now=None) -> tuple[int, int]:
    """Expire published listings past their expiry date, and warn the labs of those
    that expire within 7 days (once per expiry date). Safe to run twice: each listing
    moves or is warned in its own transaction, guarded by its current state.
    Returns (expired, warned)."""
    now = now or timezone.now()
    expired = warned = 0
    for listing in Listing.objects.filter(status=ListingStatus.PUBLISHED, expires_at__lte=now):
        try:
            with transaction.atomic():
                listing.expire()
            expired += 1
        except IllegalTransition:
            continue  # closed or renewed meanwhile
    soon = Listing.objects.filter(
        status=ListingStatus.PUBLISHED,
        expires_at__gt=now,
        expires_at__lte=now + EXPIRY_WARNING,
        expiry_warned_at__isnull=True,
    ).select_related("lab")
    for listing in soon:
        with transaction.atomic():
            claimed = Listing.objects.filter(pk=listing.pk, expiry_warned_at__isnull=True).update(
                expiry_warned_at=now
            )
            if claimed:
                notifications.expiry_warning(listing)
                warned += 1
    return expired, warned


def send_follow_up_reminders(*, today=None) -> int:
    """Email each student whose follow-up date has come, once per date set."""
    today = today or timezone.localdate()
    due = (
        Application.objects.filter(
            follow_up_on__lte=today,
            follow_up_reminded_on__isnull=True,
            student__isnull=False,
            status__in=[ApplicationStatus.SAVED, *IN_PROCESS],
        )
        .select_related("student", "listing__lab__institution")
        .order_by("pk")
    )
    sent = 0
    for application in due.iterator(chunk_size=200):
        with transaction.atomic():
            # Claim it first: a second run at the same time skips it.
            claimed = Application.objects.filter(
                pk=application.pk, follow_up_reminded_on__isnull=True
            ).update(follow_up_reminded_on=today)
            if claimed:
                notifications.follow_up_due(application)
                sent += 1
    return sent


def send_search_alerts(*, now=None) -> tuple[int, int]:
    """Email each due saved search the listings published since its last alert.

    Each search is claimed in its own transaction (rows locked by another run are
    skipped) and its window moved forward, so running twice sends nothing twice.
    Returns (searches checked, emails sent).
    """
    now = now or timezone.now()
    verified = EmailAddress.objects.filter(
        user=OuterRef("student"), email__iexact=OuterRef("student__email"), verified=True
    )
    due_ids = [
        saved.pk
        for saved in SavedSearch.objects.exclude(frequency=AlertFrequency.NEVER)
        .filter(Exists(verified), student__is_active=True)
        .only("pk", "frequency", "alerted_up_to")
        if saved.alerted_up_to <= now - saved.interval + ALERT_SLACK
    ]
    checked = sent = 0
    for pk in due_ids:
        with transaction.atomic():
            saved = (
                SavedSearch.objects.select_for_update(skip_locked=True)
                .select_related("student")
                .filter(pk=pk)
                .first()
            )
            if saved is None or saved.alerted_up_to > now - saved.interval + ALERT_SLACK:
                continue  # another run took it
            checked += 1
            new = Listing.objects.public().filter(
                published_at__gt=saved.alerted_up_to, published_at__lte=now
            )
            listing_filter = ListingFilter(QueryDict(saved.query), queryset=new)
            matching = listing_filter.qs.order_by("-published_at", "-id")
            listings = list(matching.with_card_data()[: ALERT_MAX_LISTINGS + 1])
            more = 0
            if len(listings) > ALERT_MAX_LISTINGS:
                more = matching.count() - ALERT_MAX_LISTINGS
                listings = listings[:ALERT_MAX_LISTINGS]
            changes = {"alerted_up_to": now}
            if listings:
                notifications.search_alert(saved, listings, more)
                changes["last_sent_at"] = now
                sent += 1
            SavedSearch.objects.filter(pk=pk).update(**changes)
    return checked, sent


SUMMARY_SECONDS = 150  # the scheduled task refreshes it every minute
OPTION_SUMMARY_SECONDS = 25 * 60  # refreshed every 15 minutes: never lapses between runs


def refresh_search_summary() -> bool:
    """Exact counts for the search page without filters, kept for the next visitors
    (on a large board they would otherwise get estimates from a sample)."""
    listing_filter = ListingFilter(QueryDict(), queryset=Listing.objects.public())
    return keep_exact_counts(listing_filter, SUMMARY_SECONDS)


def refresh_option_summaries() -> int:
    """Exact counts for each search without words that ticks one facet option and has
    too many results to count on a visit (`?role=phlebotomist`, where the home page's
    role tiles lead; `?comp=paid`): one counting pass each, for the options above the
    estimating threshold only (the smaller ones are counted exactly on every visit).
    Returns how many were kept (0 on a small board)."""
    if counts.small_board():
        return 0
    everything = ListingFilter(QueryDict(), queryset=Listing.objects.public())
    everything.is_valid()
    kept = 0
    for facet, options in facet_counts(everything, everything.queryset).items():
        for value, count in options.items():
            if count > counts.APPROX_ABOVE:
                params = QueryDict(mutable=True)
                params[facet] = value
                one = ListingFilter(params, queryset=Listing.objects.public())
                kept += keep_exact_counts(one, OPTION_SUMMARY_SECONDS)
    return kept
