"""Writes that lab staff make: their listings (create, edit, submit with a duplicate
check, close, renew, clone), their applicants (moves, messages, CV downloads, bulk
"not selected"), expiry, and students' inquiries to labs. Each is one transaction;
email goes after commit (`notifications`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection, transaction
from django.db.models import Q, Value
from django.db.models.functions import Concat, Left
from django.utils import timezone

from . import notifications
from .models import (
    IN_PROCESS,
    Application,
    ApplicationMessage,
    CVDownload,
    LabInquiry,
    Listing,
    ListingEvent,
)
from .services import ApplicationError, application_move
from .transitions import IllegalTransition

DUPLICATE_THRESHOLD = 0.6  # pg_trgm similarity of title + start of description
DUPLICATE_WINDOW = timedelta(days=90)
DUPLICATE_TEXT = 1000  # characters of the description compared
DUPLICATE_CANDIDATES = 50  # listings whose text is compared, the closest titles first
EDITABLE = {Listing.Status.DRAFT, Listing.Status.REJECTED}
EXPIRY_WARNING = timedelta(days=7)
INQUIRIES_PER_DAY = 3
INQUIRY_LAB_INTERVAL = timedelta(days=30)


class LabStaffError(Exception):
    """A lab-staff request that cannot be done; the message says why."""


def _event(listing: Listing, *, by, reason: str) -> None:
    """A ListingEvent for a change that is not a state move (created, edited, ...)."""
    ListingEvent.objects.create(
        listing=listing, actor=by, from_status=listing.status, to_status=listing.status,
        reason=reason,
    )  # fmt: skip


def _comparable_text(title: str, description: str) -> str:
    return f"{title} {description[:DUPLICATE_TEXT]}"


# -- listings ------------------------------------------------------------------------


@transaction.atomic
def listing_create(*, form, profile, token) -> tuple[Listing, bool]:
    """Save a new draft for the staff member's lab. The form's one-time token makes a
    double submit return the first draft instead of creating a second."""
    if token:
        existing = Listing.objects.filter(form_token=token, lab=profile.lab).first()
        if existing is not None:
            return existing, False
    listing = form.save(commit=False)
    listing.lab = profile.lab
    listing.created_by = profile.user
    listing.status = Listing.Status.DRAFT
    listing.form_token = token or None
    listing.save()
    form.save_m2m()
    _event(listing, by=profile.user, reason="Created.")
    return listing, True


@transaction.atomic
def listing_update(*, form, by, version: str) -> Listing:
    """Save an edit of a draft or rejected listing. `version` is its `updated_at` when
    the form was opened: an edit made meanwhile (another tab, a colleague) is not
    overwritten."""
    listing = form.instance
    current = Listing.objects.select_for_update().get(pk=listing.pk)
    if current.status not in EDITABLE:
        raise LabStaffError(
            f"This listing is {current.get_status_display().lower()}; only drafts and "
            "rejected listings can be edited. Clone it to post a new version."
        )
    if version != current.updated_at.isoformat():
        raise LabStaffError(
            "Someone changed this listing since you opened it. Your changes are below; "
            "reload the page to see theirs, then edit again."
        )
    listing.updated_at = timezone.now()
    form.save()
    changed = ", ".join(form.changed_data) or "nothing"
    _event(listing, by=by, reason=f"Edited ({changed}).")
    return listing


@dataclass(frozen=True)
class LikelyDuplicate:
    listing: Listing
    similarity: float


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
        Q(status=Listing.Status.PUBLISHED, published_at__gte=since)
        | Q(status=Listing.Status.PENDING, submitted_at__gte=since)
    ).exclude(pk=listing.pk)
    closest_titles = (
        recent.filter(Q(lab_id=listing.lab_id) | Q(title__trigram_similar=listing.title))
        .annotate(title_similarity=TrigramSimilarity("title", listing.title))
        .order_by("-title_similarity", "-id")
        .values("pk")[:DUPLICATE_CANDIDATES]
    )
    text = Concat("title", Value(" "), Left("description", DUPLICATE_TEXT))
    comparable = _comparable_text(listing.title, listing.description)
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
    if not profile.lab.approved:
        raise LabStaffError(
            "Your lab is waiting for an admin's approval; you can keep drafting until then."
        )
    if not profile.verified:
        raise LabStaffError(
            "Your lab-staff account is not verified yet, so you can draft but not submit. "
            "Accounts with a confirmed address on the lab's email domain are verified at "
            "once; otherwise a LabJobs admin verifies you."
        )


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
    duplicates = likely_duplicates(listing)
    if duplicates and not confirm_duplicate:
        return duplicates
    best = duplicates[0] if duplicates else None
    Listing.objects.filter(pk=listing.pk).update(
        duplicate_of=best.listing if best else None,
        duplicate_similarity=best.similarity if best else None,
    )
    listing.submit(by=profile.user)
    return []


@transaction.atomic
def listing_withdraw_submission(*, listing: Listing, by) -> None:
    listing.withdraw_submission(by=by)


@transaction.atomic
def listing_close(*, listing: Listing, by, reason: str) -> None:
    labels = dict(Listing.CloseReason.choices)
    if reason not in labels:
        raise LabStaffError("Say why the listing closes: filled, or withdrawn.")
    listing.close(by=by, reason=labels[reason])


@transaction.atomic
def listing_renew(*, listing: Listing, by, days: int = 30) -> None:
    """Extend an open (or expired) listing by `days`."""
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
        "status": Listing.Status.DRAFT, "created_by": by, "created_at": now, "updated_at": now,
        "submitted_at": None, "published_at": None, "expires_at": None, "deadline": None,
        "start_date": None, "rejection_reason": "", "expiry_warned_at": None,
        "duplicate_of": None, "duplicate_similarity": None, "form_token": None,
    }.items():  # fmt: skip
        setattr(clone, field, value)
    clone.save()
    clone.role_types.set(role_types)
    clone.certifications.set(certifications)
    _event(clone, by=by, reason=f"Cloned from listing #{listing.pk}.")
    return clone


# -- applicants ----------------------------------------------------------------------


@transaction.atomic
def applicant_move(*, application: Application, move: str, by, note: str = "") -> None:
    """Move an applicant (review, interview, offer, not selected); the student is
    emailed by the students' notification service."""
    application_move(application=application, move=move, by=by, note=note)


@transaction.atomic
def applicants_mark_not_selected(*, listing: Listing, application_ids, by, note: str) -> int:
    """Bulk "not selected" with one message. Applications already decided or not of
    this listing are left alone. Returns how many were moved."""
    moved = 0
    applications = Application.objects.select_for_update(of=("self",)).filter(
        listing=listing, pk__in=list(application_ids), status__in=IN_PROCESS
    )
    for application in applications.select_related("listing__lab", "student"):
        application_move(application=application, move="mark_not_selected", by=by, note=note)
        moved += 1
    return moved


def cv_download_record(*, application: Application, by) -> None:
    CVDownload.objects.create(application=application, downloaded_by=by)


@transaction.atomic
def application_message_send(*, application: Application, sender, body: str) -> ApplicationMessage:
    """Add a message to the thread and email the other side (the student, or the
    lab's verified staff)."""
    body = body.strip()
    if not body:
        raise ApplicationError("Write a message first.")
    if application.status == Application.Status.SAVED or application.student_id is None:
        raise ApplicationError("Messages are for sent applications only.")
    from_lab = sender.pk != application.student_id
    message = ApplicationMessage(
        application=application, sender=sender, from_lab=from_lab, body=body
    )
    message.full_clean()
    message.save()
    if from_lab:
        notifications.message_to_student(message)
    else:
        notifications.message_to_lab(message)
    return message


# -- expiry -------------------------------------------------------------------------


def expire_listings(*, now=None) -> tuple[int, int]:
    """Expire published listings past their expiry date, and warn the labs of those
    that expire within 7 days (once per expiry date). Safe to run twice: each listing
    moves or is warned in its own transaction, guarded by its current state.
    Returns (expired, warned)."""
    now = now or timezone.now()
    expired = warned = 0
    for listing in Listing.objects.filter(status=Listing.Status.PUBLISHED, expires_at__lte=now):
        try:
            with transaction.atomic():
                listing.expire()
            expired += 1
        except IllegalTransition:
            continue  # closed or renewed meanwhile
    soon = Listing.objects.filter(
        status=Listing.Status.PUBLISHED,
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


# -- inquiries ------------------------------------------------------------------------


@transaction.atomic
def inquiry_send(*, student, lab, message: str) -> LabInquiry:
    """Relay a student's message to a lab open to inquiries, without showing the lab's
    address. At most 3 a day per student, and 1 per lab per 30 days."""
    from accounts.permissions import has_verified_email

    message = message.strip()
    if not lab.open_to_inquiries or not lab.approved:
        raise ApplicationError("This lab is not taking inquiries at the moment.")
    if not has_verified_email(student):
        raise ApplicationError("Confirm your email address before you contact a lab.")
    # One student's inquiries are counted one at a time: lock their account row.
    list(get_user_model().objects.select_for_update().filter(pk=student.pk).values_list("pk"))
    now = timezone.now()
    sent = LabInquiry.objects.filter(student=student)
    if sent.filter(lab=lab, created_at__gt=now - INQUIRY_LAB_INTERVAL).exists():
        raise ApplicationError("You contacted this lab in the last 30 days; wait for its answer.")
    if sent.filter(created_at__gt=now - timedelta(days=1)).count() >= INQUIRIES_PER_DAY:
        raise ApplicationError("You can contact 3 labs a day. Try again tomorrow.")
    inquiry = LabInquiry(lab=lab, student=student, message=message, created_at=now)
    inquiry.full_clean()
    inquiry.save()
    notifications.inquiry_to_lab(inquiry)
    return inquiry
