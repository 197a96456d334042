"""Applications, both sides: a student saves, drafts, submits (freezing the cover
letter and a copy of the CV), tracks and withdraws; the lab moves applicants through
its pipeline; both write in the application's thread. Mail goes after commit."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.permissions import has_verified_email
from labjobs.states import LAB
from listings.models import (
    IN_PROCESS,
    ApplicantReview,
    Application,
    ApplicationMessage,
    ApplicationStatus,
    ApplyMethod,
    CVDownload,
    Listing,
)
from listings.models.states import APPLICATION_MOVES

from . import ServiceError, notifications, validated
from .conversations import conversation_add_unread

SAVED = ApplicationStatus.SAVED


def _store_file(field, content, filename: str) -> str:
    """Save `content` through the field's storage under a new unguessable name."""
    field.save(filename, content, save=False)
    return field.name


def _delete_after_commit(field, name: str) -> None:
    if name:
        storage = field.storage
        transaction.on_commit(lambda: storage.delete(name), robust=True)


# -- the student's side ----------------------------------------------------------------


def application_save(*, student, listing: Listing) -> tuple[Application, bool]:
    """Bookmark a listing (an application in state `saved`). Saving twice is harmless:
    the second time finds the first (the database allows one per student and listing)."""
    if not listing.is_public:
        raise ServiceError("Only open listings can be saved.")
    return Application.objects.get_or_create(student=student, listing=listing)


@transaction.atomic
def application_unsave(*, student, listing: Listing) -> bool:
    """Forget a bookmark and its draft. Sent applications are never removed this way."""
    saved = Application.objects.select_for_update().filter(
        student=student, listing=listing, status=SAVED
    )
    for application in saved:
        _delete_after_commit(application.cv, application.cv.name)
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
            if current.status != SAVED:
                raise ServiceError("This application was already sent; it can't be edited.")
            if version and version != current.updated_at.isoformat():
                raise ServiceError(
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
            validated(current, exclude=["student", "listing"])
            current.save(update_fields=["cover_letter", "cv", "cv_filename", "updated_at"])
            _delete_after_commit(current.cv, old_cv)
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
    already submitted and gets ServiceError; nothing is written twice.
    """
    student = application.student
    stored = ""
    try:
        with transaction.atomic():
            current = (
                Application.objects.select_for_update(of=("self",))
                .select_related("listing__lab__institution", "student")
                .get(pk=application.pk)
            )
            if current.status != SAVED:
                when = timezone.localtime(current.submitted_at) if current.submitted_at else None
                raise ServiceError(
                    "You already sent this application"
                    + (f" on {when:%b %-d, %Y at %H:%M}." if when else ".")
                )
            if not has_verified_email(student):
                raise ServiceError(
                    "Confirm your email address before you apply: use the link we sent you."
                )
            if not current.listing.takes_applications:
                raise ServiceError("This listing is no longer taking applications.")
            if not cover_letter.strip():
                raise ServiceError("Write a cover letter for this position before you send it.")
            old_cv = current.cv.name
            if cv_upload:
                upload_file, filename = cv_upload
                stored = _store_file(current.cv, upload_file, filename)
                current.cv_filename = filename
                _delete_after_commit(current.cv, old_cv)
            elif use_profile_cv or not current.cv:
                profile = getattr(student, "student_profile", None)
                if profile is None or not profile.cv:
                    raise ServiceError("Attach a CV: upload one here, or add one to your profile.")
                with profile.cv.open("rb") as profile_cv:
                    # A copy of its own: replacing the profile CV later leaves this one.
                    stored = _store_file(current.cv, profile_cv, profile.cv_filename)
                current.cv_filename = profile.cv_filename
                _delete_after_commit(current.cv, old_cv)
            current.cover_letter = cover_letter
            validated(current, exclude=["student", "listing"])
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
        raise ServiceError("This listing takes applications on LabJobs.")
    application, _ = application_save(student=student, listing=listing)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status != SAVED:
        raise ServiceError("You already track this application.")
    Application.objects.filter(pk=application.pk).update(applied_externally=True)
    application.applied_externally = True
    application.submit(by=student)
    return application


@transaction.atomic
def application_withdraw(*, application: Application, by) -> None:
    """The student takes back a sent application, until it is decided."""
    if not application.can_withdraw:
        raise ServiceError(
            f"This application is {application.get_status_display().lower()}; "
            "it can no longer be withdrawn."
        )
    application.withdraw(by=by)
    conversation_add_unread(application=application, from_lab=False)


@transaction.atomic
def application_update_tracking(*, application: Application, notes: str, follow_up_on) -> None:
    """The student's private notes and follow-up date (a new date re-arms the reminder)."""
    changes = {"notes": notes, "follow_up_on": follow_up_on}
    if follow_up_on != application.follow_up_on:
        changes["follow_up_reminded_on"] = None
    for field, value in changes.items():
        setattr(application, field, value)
    validated(application, exclude=["student", "listing", "cv"])
    Application.objects.filter(pk=application.pk).update(**changes)


@transaction.atomic
def applications_erase_student(*, user) -> None:
    """A student deletes their account: saved (never sent) applications go; sent ones
    stay with their labs as an anonymised record (status and dates only, without the
    student, the cover letter, the CV or the notes). CV files go once this commits."""
    applications = Application.objects.select_for_update().filter(student=user)
    for application in applications:
        _delete_after_commit(application.cv, application.cv.name)
    applications.filter(status=SAVED).delete()
    applications.exclude(status=SAVED).update(
        student=None, cover_letter="", cv="", cv_filename="", notes="", follow_up_on=None
    )


# -- the lab's side ----------------------------------------------------------------------

LAB_MOVES = APPLICATION_MOVES.names(LAB)


@transaction.atomic
def application_move(*, application: Application, move: str, by, note: str = "") -> None:
    """Move an application on the lab's side (review, interview, offer, not selected)
    and email the student after commit. Raises IllegalTransition for an illegal move."""
    if move not in LAB_MOVES:
        raise ServiceError(f"Unknown move: {move}.")
    getattr(application, move)(by=by, reason=note)
    conversation_add_unread(application=application, from_lab=True)
    if application.student_id is not None:
        event = application.events.order_by("-created_at", "-id").first()
        notifications.application_status_changed(application, event)


@transaction.atomic
def applications_mark_not_selected(*, listing: Listing, application_ids, by, note: str) -> int:
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


# -- the thread, both sides -------------------------------------------------------------


@transaction.atomic
def application_message_send(*, application: Application, sender, body: str) -> ApplicationMessage:
    """Add a message to the thread and email the other side (the student, or the
    lab's verified staff)."""
    body = body.strip()
    if not body:
        raise ServiceError("Write a message first.")
    if application.status == SAVED or application.student_id is None:
        raise ServiceError("Messages are for sent applications only.")
    from_lab = sender.pk != application.student_id
    message = ApplicationMessage(
        application=application, sender=sender, from_lab=from_lab, body=body
    )
    validated(message)
    message.save()
    conversation_add_unread(application=application, from_lab=from_lab)
    if from_lab:
        notifications.message_to_student(message)
    else:
        notifications.message_to_lab(message)
    return message


@transaction.atomic
def applicant_review_save(*, application: Application, by, rating, notes: str) -> ApplicantReview:
    """The lab's rating and notes on an applicant, shared with the lab's other staff and
    never shown to the student (no event, no email: the student's timeline is theirs)."""
    review, _ = ApplicantReview.objects.select_for_update().get_or_create(application=application)
    review.rating, review.notes = rating, notes
    review.updated_by, review.updated_at = by, timezone.now()
    validated(review, exclude=["application"])
    review.save()
    return review
