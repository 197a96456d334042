"""Students' saved searches: save one (the same search twice is one), change how
often it emails, unsubscribe by a signed link. The alerts themselves are sent by
`scheduled.send_search_alerts`."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core import signing
from django.http import QueryDict

from listings.filters import ListingFilter
from listings.models import AlertFrequency, Listing, SavedSearch

from . import ServiceError, notifications, validated

SAVED_SEARCH_PARAMETERS = (
    "q", "role", "comp", "schedule", "mode", "level", "institution", "city", "state",
    "anywhere", "hours_max", "certs", "deadline_within", "posted_within", "sort",
)  # fmt: skip


def saved_search_query(params) -> str:
    """The search's parameters in a fixed order, empty ones and paging left out, so
    the same search saved twice is recognised as the same."""
    pairs = []
    for name in SAVED_SEARCH_PARAMETERS:
        values = sorted({value.strip() for value in params.getlist(name) if value.strip()})
        pairs.extend((name, value) for value in values)
    return urlencode(pairs)


def saved_search_create(*, student, params, name: str, frequency: str) -> tuple[SavedSearch, bool]:
    """Save the search in `params` (a QueryDict). Saving the same search again
    returns the one already saved."""
    query = saved_search_query(params)
    listing_filter = ListingFilter(QueryDict(query), queryset=Listing.objects.none())
    if not listing_filter.is_valid():
        raise ServiceError("Fix the search's filters before you save it.")
    name = " ".join(name.split())[:120] or _describe(listing_filter.form.cleaned_data)
    saved = SavedSearch(student=student, query=query, name=name, frequency=frequency)
    validated(saved, validate_unique=False, validate_constraints=False)
    return SavedSearch.objects.get_or_create(
        student=student, query=query, defaults={"name": name, "frequency": frequency}
    )


def _describe(cleaned: dict) -> str:
    """A name for a search: "phlebotomy · Paid" or "All listings"."""
    parts = [cleaned.get("q") or ""]
    for key in ("comp", "mode", "schedule", "city"):
        value = cleaned.get(key)
        if isinstance(value, list | tuple):
            parts.append(", ".join(value))
        elif value:
            parts.append(str(value))
    name = " · ".join(part for part in parts if part)
    return (name or "All listings")[:120]


def saved_search_set_frequency(*, saved: SavedSearch, frequency: str) -> None:
    if frequency not in AlertFrequency.values:
        raise ServiceError("Choose daily, weekly or no email.")
    SavedSearch.objects.filter(pk=saved.pk).update(frequency=frequency)
    saved.frequency = frequency


def saved_search_for_token(token: str) -> SavedSearch | None:
    """The saved search named by a signed unsubscribe token; None when the token is
    forged or damaged, or the search was deleted."""
    try:
        pk = signing.loads(token, salt=notifications.UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return SavedSearch.objects.select_related("student").filter(pk=pk).first()


def saved_search_stop_emails(*, saved: SavedSearch) -> None:
    """Keep the search, send no more alerts for it (unsubscribing twice is harmless)."""
    saved_search_set_frequency(saved=saved, frequency=AlertFrequency.NEVER)
