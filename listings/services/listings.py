"""A lab's listings and their moderation: create, edit, submit (with a duplicate
check), take back, close, renew, clone; moderators approve or reject. Each is one
transaction and records who did it (ListingEvent; an admin LogEntry for decisions)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.postgres.search import TrigramSimilarity
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import Q, Value
from django.db.models.functions import Concat, Left
from django.utils import timezone

from listings.models import EDITABLE, CloseReason, Listing, ListingStatus, history
from listings.models.states import LISTING_MOVES

from . import ServiceError, notifications
from .follows import lab_followers_on_publish

DUPLICATE_THRESHOLD = 0.6  # pg_trgm similarity of title + start of description
DUPLICATE_WINDOW = timedelta(days=90)
DUPLICATE_TEXT = 1000  # characters of the description compared
DUPLICATE_CANDIDATES = 50  # listings whose text is compared, the closest titles first
MODERATE_PERMISSION = "listings.moderate_listing"


# -- posting ---------------------------------------------------------------------------


@transaction.atomic
def listing_create(*, form, profile, token) -> tuple[Listing, bool]:
    """Save a new draft for the staff member's lab. The form's one-time token makes a
    double submit return the first draft instead of creating a second; a token that
    another lab's draft used (a forged or copied form) is refused."""
    if token:
        existing = Listing.objects.filter(form_token=token).first()
        if existing is not None and existing.lab_id == profile.lab_id:
            return existing, False
        if existing is not None:
            raise ServiceError(
                "This form was already used. Your text is below with a fresh form: save again."
            )
    listing = form.save(commit=False)
    listing.lab = profile.lab
    listing.created_by = profile.user
    listing.status = ListingStatus.DRAFT
    listing.form_token = token or None
    try:
        with transaction.atomic():  # two clicks at once: the second finds the first
            listing.save()
    except IntegrityError:
        existing = Listing.objects.filter(form_token=token, lab=profile.lab).first()
        if existing is None:
            raise
        return existing, False
    form.save_m2m()
    listing.record(by=profile.user, reason=history.CREATED)
    return listing, True


@transaction.atomic
def listing_update(*, form, by, version: str) -> Listing:
    """Save an edit of a draft or rejected listing. `version` is its `updated_at` when
    the form was opened: an edit made meanwhile (another tab, a colleague) is not
    overwritten."""
    listing = form.instance
    current = Listing.objects.select_for_update().get(pk=listing.pk)
    if current.status not in EDITABLE:
        raise ServiceError(
            f"This listing is {current.get_status_display().lower()}; only drafts and "
            "rejected listings can be edited. Clone it to post a new version."
        )
    if version != current.updated_at.isoformat():
        raise ServiceError(
            "Someone changed this listing since you opened it. Your changes are below; "
            "reload the page to see theirs, then edit again."
        )
    listing.updated_at = timezone.now()
    form.save()
    listing.record(by=by, reason=history.edit_words(form.changed_data, model=Listing))
    return listing


class IncompleteListing(ServiceError):
    """A submission of a listing that still lacks something: `missing` holds (field,
    label) pairs, in the form's order."""

    def __init__(self, missing: list[tuple[str, str]]):
        self.missing = missing
        names = ", ".join(label for _, label in missing)
        super().__init__(f"Before it is submitted, this listing needs: {names}.")


@dataclass(frozen=True)
class LikelyDuplicate:
    listing: Listing
    similarity: float

    def may_be_shown_to(self, lab_id: int) -> bool:
        """Its own lab sees any of its listings; another lab only public ones (a
        pending listing's title, lab and likeness are not another lab's business)."""
        return self.listing.lab_id == lab_id or self.listing.is_public


def likely_duplicates(listing: Listing, *, limit: int = 3) -> list[LikelyDuplicate]:
    """Published or pending listings of the last 90 days whose title and description
    are very similar (pg_trgm) to this one's: the same opening posted twice.

    Bounded work at any size: the candidates are the lab's own recent listings and
    those with a similar title (the `%` operator, served by a trigram index on titles),
    of which the 50 with the closest titles have their text compared. Comparing the
    text of every recent listing took 5 s at 100,000 listings.
    """
    since = timezone.now() - DUPLICATE_WINDOW
    recent = Listing.objects.filter(
        Q(status=ListingStatus.PUBLISHED, published_at__gte=since)
        | Q(status=ListingStatus.PENDING, submitted_at__gte=since)
    ).exclude(pk=listing.pk)
    closest_titles = (
        recent.filter(Q(lab_id=listing.lab_id) | Q(title__trigram_similar=listing.title))
        .annotate(title_similarity=TrigramSimilarity("title", listing.title))
        .order_by("-title_similarity", "-id")
        .values("pk")[:DUPLICATE_CANDIDATES]
    )
    text = Concat("title", Value(" "), Left("description", DUPLICATE_TEXT))
    comparable = f"{listing.title} {listing.description[:DUPLICATE_TEXT]}"
    with transaction.atomic(), connection.cursor() as cursor:
        # Titles at least half alike are candidates (pg_trgm's default is 0.3).
        cursor.execute("SET LOCAL pg_trgm.similarity_threshold = 0.5")
        duplicates = list(
            Listing.objects.filter(pk__in=closest_titles)
            .annotate(similarity=TrigramSimilarity(text, comparable))
            .filter(similarity__gte=DUPLICATE_THRESHOLD)
            .select_related("lab__institution")
            .order_by("-similarity", "-id")[:limit]
        )
    return [LikelyDuplicate(candidate, candidate.similarity) for candidate in duplicates]


def _require_submitter(profile) -> None:
    # The /manage/ gate lets only the lab's staff this far; a service called from
    # elsewhere (a shell, a script) checks again.
    if not profile.is_lab_staff:
        raise ServiceError("Only the lab's staff can submit its listings.")


@transaction.atomic
def listing_submit(
    *, listing: Listing, profile, confirm_duplicate: bool = False
) -> list[LikelyDuplicate]:
    """Submit for review (a trusted lab's listing publishes at once).

    Returns the likely duplicates and submits nothing when there are some and the
    poster has not confirmed; with confirmation, submits and flags the listing so
    that moderators see the pair.
    """
    _require_submitter(profile)
    listing = Listing.objects.select_for_update().select_related("lab").get(pk=listing.pk)
    missing = listing.missing_to_submit() if listing.status in EDITABLE else []
    if missing:
        raise IncompleteListing(missing)
    duplicates = likely_duplicates(listing)
    if duplicates and not confirm_duplicate:
        return duplicates
    best = duplicates[0] if duplicates else None
    Listing.objects.filter(pk=listing.pk).update(
        duplicate_of=best.listing if best else None,
        duplicate_similarity=best.similarity if best else None,
    )
    listing.submit(by=profile.user)
    if listing.is_published:  # a trusted lab's: published at once
        lab_followers_on_publish(listing)
    return []


@transaction.atomic
def listing_withdraw_submission(*, listing: Listing, by) -> None:
    listing.withdraw_submission(by=by)


@transaction.atomic
def listing_close(*, listing: Listing, by, reason: str) -> None:
    labels = dict(CloseReason.choices)
    if reason not in labels:
        raise ServiceError("Say why the listing closes: filled, or withdrawn.")
    listing.close(by=by, reason=labels[reason])


@transaction.atomic
def listing_renew(*, listing: Listing, by, days: int = 30) -> None:
    """Extend an open (or expired) listing by `days`."""
    if listing.status not in LISTING_MOVES["renew"].sources:
        raise ServiceError("Only an open or expired listing can be renewed.")
    listing.renew(by=by, days=days)


@transaction.atomic
def listing_clone(*, listing: Listing, by) -> Listing:
    """A new draft with the same text and terms for next term; dates cleared."""
    role_types = list(listing.role_types.all())
    certifications = list(listing.certifications.all())
    clone = Listing.objects.get(pk=listing.pk)
    clone.pk = None
    clone._state.adding = True
    now = timezone.now()
    for field, value in {
        "status": ListingStatus.DRAFT, "created_by": by, "created_at": now, "updated_at": now,
        "submitted_at": None, "published_at": None, "expires_at": None, "deadline": None,
        "start_date": None, "rejection_reason": "", "expiry_warned_at": None,
        "duplicate_of": None, "duplicate_similarity": None, "form_token": None,
    }.items():  # fmt: skip
        setattr(clone, field, value)
    clone.save()
    clone.role_types.set(role_types)
    clone.certifications.set(certifications)
    clone.record(by=by, reason=f"Cloned from listing #{listing.pk}.")
    return clone


# -- moderation ------------------------------------------------------------------------


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
    listing.approve(by=moderator, reason=note)
    _log(moderator, listing, "Approved and published." + (f" Note: {note}" if note else ""))
    notifications.listing_decided(listing)
    lab_followers_on_publish(listing)


@transaction.atomic
def listing_reject(*, listing: Listing, moderator, reason: str) -> None:
    """Reject a pending listing with a reason its poster will see."""
    _require_moderator(moderator)
    listing.reject(by=moderator, reason=reason)
    _log(moderator, listing, f"Rejected. Reason: {reason.strip()}")
    notifications.listing_decided(listing)
