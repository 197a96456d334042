"""Writes that touch several models, files or mail: moderation decisions (a state
change, a ListingEvent and an admin LogEntry) and applications (state changes,
frozen CV copies, receipts). All or nothing; mail goes after commit."""

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib.admin.models import CHANGE, LogEntry
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import QueryDict
from django.utils import timezone

from . import notifications
from .models import IN_PROCESS, Application, ApplyMethod, Listing, SavedSearch

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
    notifications.listing_decided(listing)


@transaction.atomic
def listing_reject(*, listing: Listing, moderator, reason: str) -> None:
    """Reject a pending listing with a reason its poster will see."""
    _require_moderator(moderator)
    listing.reject(by=moderator, reason=reason)
    _log(moderator, listing, f"Rejected. Reason: {reason.strip()}")
    notifications.listing_decided(listing)


# -- applications (the student side; lab staff move them with application_move) ----


class ApplicationError(Exception):
    """A request about an application that cannot be done; the message says why."""


def _store_file(field, content, filename: str) -> str:
    """Save `content` through the field's storage under a new unguessable name."""
    field.save(filename, content, save=False)
    return field.name


def application_save(*, student, listing: Listing) -> tuple[Application, bool]:
    """Bookmark a listing (an application in state `saved`). Saving twice is harmless:
    the second time finds the first (the database allows one per student and listing)."""
    if not listing.is_public:
        raise ApplicationError("Only open listings can be saved.")
    return Application.objects.get_or_create(student=student, listing=listing)


@transaction.atomic
def application_unsave(*, student, listing: Listing) -> bool:
    """Forget a bookmark and its draft. Sent applications are never removed this way."""
    saved = Application.objects.select_for_update().filter(
        student=student, listing=listing, status=Application.Status.SAVED
    )
    for application in saved:
        if application.cv:
            file = application.cv
            transaction.on_commit(lambda file=file: file.storage.delete(file.name))
    return saved.delete()[0] > 0


def application_save_draft(
    *, application: Application, cover_letter: str, cv_upload=None, version: str = ""
) -> Application:
    """Keep a draft cover letter (and a CV uploaded for this application only).

    `version` is the draft's `updated_at` when the form was loaded: a draft saved in
    another tab since then is not overwritten; the caller shows both.
    """
    stored = ""
    try:
        with transaction.atomic():
            current = Application.objects.select_for_update().get(pk=application.pk)
            if current.status != Application.Status.SAVED:
                raise ApplicationError("This application was already sent; it can't be edited.")
            if version and version != current.updated_at.isoformat():
                raise ApplicationError(
                    "This draft was changed in another tab or window since you opened it. "
                    "Your text is below; copy what you need, then reload."
                )
            old_cv = current.cv.name if cv_upload else ""
            if cv_upload:
                upload_file, filename = cv_upload
                stored = _store_file(current.cv, upload_file, filename)
                current.cv_filename = filename
            current.cover_letter = cover_letter
            current.updated_at = timezone.now()
            current.full_clean(exclude=["student", "listing"])
            current.save(update_fields=["cover_letter", "cv", "cv_filename", "updated_at"])
            if old_cv:
                storage = current.cv.storage
                transaction.on_commit(lambda: storage.delete(old_cv))
    except Exception:
        if stored:
            application.cv.storage.delete(stored)
        raise
    return current


def application_submit(
    *, application: Application, cover_letter: str, cv_upload=None, use_profile_cv: bool
) -> Application:
    """Send an application: freeze the cover letter and a copy of the CV as they are
    now, move it to `submitted`, and email the student a receipt after commit.

    Two tabs or a double click: the row is locked, the second request finds it
    already submitted and gets ApplicationError; nothing is written twice.
    """
    from accounts.permissions import has_verified_email

    student = application.student
    stored = ""
    try:
        with transaction.atomic():
            current = (
                Application.objects.select_for_update(of=("self",))
                .select_related("listing__lab__institution", "student")
                .get(pk=application.pk)
            )
            if current.status != Application.Status.SAVED:
                when = timezone.localtime(current.submitted_at) if current.submitted_at else None
                raise ApplicationError(
                    "You already sent this application"
                    + (f" on {when:%b %-d, %Y at %H:%M}." if when else ".")
                )
            if not has_verified_email(student):
                raise ApplicationError(
                    "Confirm your email address before you apply: use the link we sent you."
                )
            if not current.listing.takes_applications:
                raise ApplicationError("This listing is no longer taking applications.")
            if not cover_letter.strip():
                raise ApplicationError("Write a cover letter for this position before you send it.")
            if cv_upload:
                upload_file, filename = cv_upload
                old = current.cv.name
                stored = _store_file(current.cv, upload_file, filename)
                current.cv_filename = filename
                if old:
                    storage = current.cv.storage
                    transaction.on_commit(lambda: storage.delete(old))
            elif use_profile_cv or not current.cv:
                profile = getattr(student, "student_profile", None)
                if profile is None or not profile.cv:
                    raise ApplicationError(
                        "Attach a CV: upload one here, or add one to your profile."
                    )
                old = current.cv.name
                with profile.cv.open("rb") as profile_cv:
                    # A copy of its own: replacing the profile CV later leaves this one.
                    stored = _store_file(current.cv, profile_cv, profile.cv_filename)
                current.cv_filename = profile.cv_filename
                if old:
                    storage = current.cv.storage
                    transaction.on_commit(lambda: storage.delete(old))
            current.cover_letter = cover_letter
            current.full_clean(exclude=["student", "listing"])
            current.save(update_fields=["cover_letter", "cv", "cv_filename"])
            current.submit(by=student)
            notifications.application_submitted(current)
    except Exception:
        if stored:
            application.cv.storage.delete(stored)
        raise
    return current


@transaction.atomic
def application_track_external(*, student, listing: Listing) -> Application:
    """Record that the student applied on the lab's own site, to track it here."""
    if listing.apply_method != ApplyMethod.EXTERNAL:
        raise ApplicationError("This listing takes applications on LabJobs.")
    application, _ = application_save(student=student, listing=listing)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status != Application.Status.SAVED:
        raise ApplicationError("You already track this application.")
    Application.objects.filter(pk=application.pk).update(applied_externally=True)
    application.applied_externally = True
    application.submit(by=student)
    return application


@transaction.atomic
def application_withdraw(*, application: Application, by) -> None:
    """The student takes back a sent application (IllegalTransition once decided)."""
    application.withdraw(by=by)


@transaction.atomic
def application_update_tracking(*, application: Application, notes: str, follow_up_on) -> None:
    """The student's private notes and follow-up date (a new date re-arms the reminder)."""
    changes = {"notes": notes, "follow_up_on": follow_up_on}
    if follow_up_on != application.follow_up_on:
        changes["follow_up_reminded_on"] = None
    for field, value in changes.items():
        setattr(application, field, value)
    application.full_clean(exclude=["student", "listing", "cv"])
    Application.objects.filter(pk=application.pk).update(**changes)


# The moves a lab makes, by name; each emails the student through `notifications`.
LAB_MOVES = {
    "start_review": "start_review",
    "invite_to_interview": "invite_to_interview",
    "make_offer": "make_offer",
    "mark_not_selected": "mark_not_selected",
}


@transaction.atomic
def application_move(*, application: Application, move: str, by, note: str = "") -> None:
    """Move an application on the lab's side (review, interview, offer, not selected)
    and email the student after commit. Raises IllegalTransition for an illegal move."""
    if move not in LAB_MOVES:
        raise ApplicationError(f"Unknown move: {move}.")
    getattr(application, LAB_MOVES[move])(by=by, note=note)
    if application.student_id is not None:
        event = application.events.order_by("-created_at", "-id").first()
        notifications.application_status_changed(application, event)


def send_follow_up_reminders(*, today=None) -> int:
    """Email each student whose follow-up date has come, once per date set."""
    today = today or timezone.localdate()
    due = (
        Application.objects.filter(
            follow_up_on__lte=today,
            follow_up_reminded_on__isnull=True,
            student__isnull=False,
            status__in=[Application.Status.SAVED, *IN_PROCESS],
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


# -- saved searches -----------------------------------------------------------------

ALERT_MAX_LISTINGS = 20
# Cron runs a little early or late; a daily alert sent at 07:00:05 is due again at 07:00.
ALERT_SLACK = timedelta(hours=1)
SAVED_SEARCH_PARAMETERS = (
    "q", "role", "comp", "schedule", "mode", "level", "institution", "city", "hours_max",
    "certs", "deadline_within", "posted_within", "sort",
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
    from .filters import ListingFilter

    query = saved_search_query(params)
    listing_filter = ListingFilter(QueryDict(query), queryset=Listing.objects.none())
    if not listing_filter.is_valid():
        raise ApplicationError("Fix the search's filters before you save it.")
    name = " ".join(name.split())[:120] or _describe(listing_filter.form.cleaned_data)
    saved = SavedSearch(student=student, query=query, name=name, frequency=frequency)
    saved.full_clean(validate_unique=False, validate_constraints=False)
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
    SavedSearch.objects.filter(pk=saved.pk).update(frequency=SavedSearch.Frequency.NEVER)
    saved.frequency = SavedSearch.Frequency.NEVER


def send_search_alerts(*, now=None) -> tuple[int, int]:
    """Email each due saved search the listings published since its last alert.

    Each search is claimed in its own transaction (rows locked by another run are
    skipped) and its window moved forward, so running twice sends nothing twice.
    Returns (searches checked, emails sent).
    """
    from allauth.account.models import EmailAddress

    from .filters import ListingFilter

    now = now or timezone.now()
    verified = EmailAddress.objects.filter(
        user=OuterRef("student"), email__iexact=OuterRef("student__email"), verified=True
    )
    due_ids = [
        saved.pk
        for saved in SavedSearch.objects.exclude(frequency=SavedSearch.Frequency.NEVER)
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
