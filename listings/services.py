"""Writes that touch several models: a moderation decision is a state change, a
ListingEvent and an admin LogEntry, all or nothing."""

from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import PermissionDenied
from django.db import transaction

from .models import Listing

MODERATE_PERMISSION = "listings.moderate_listing"


def _require_moderator(user) -> None:
    if not (user.is_active and user.is_staff and user.has_perm(MODERATE_PERMISSION)):
        raise PermissionDenied("Only moderators can approve or reject listings.")


def _log(user, listing: Listing, message: str) -> None:
    LogEntry.objects.log_actions(
        user_id=user.pk,
        queryset=[listing],
        action_flag=CHANGE,
        change_message=message,
        single_object=True,
    )


@transaction.atomic
def listing_approve(*, listing: Listing, moderator, note: str = "") -> None:
    """Publish a pending listing. Raises IllegalTransition if it is not pending."""
    _require_moderator(moderator)
    listing.approve(by=moderator, note=note)
    _log(moderator, listing, "Approved and published." + (f" Note: {note}" if note else ""))


@transaction.atomic
def listing_reject(*, listing: Listing, moderator, reason: str) -> None:
    """Reject a pending listing with a reason its poster will see."""
    _require_moderator(moderator)
    listing.reject(by=moderator, reason=reason)
    _log(moderator, listing, f"Rejected. Reason: {reason.strip()}")
