"""An application's conversation, both sides: unread marks, interview invitations
(with their calendar file), the student's answer to an offer, and the student's
private calendar feed."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from listings.models import Application, ApplicationStatus, CalendarFeed, Interview

from . import ServiceError, notifications, validated

S = ApplicationStatus
INVITABLE = {S.SUBMITTED, S.REVIEWING, S.INTERVIEW}


def conversation_add_unread(*, application: Application, from_lab: bool) -> None:
    """One more thing the other side has not read (a message, a move, an invitation)."""
    field = "unread_by_student" if from_lab else "unread_by_lab"
    Application.objects.filter(pk=application.pk).update(**{field: F(field) + 1})


def conversation_mark_read(*, application: Application, by_lab: bool) -> None:
    """The thread was opened by one side: nothing is unread for it any more. Writes
    only when something was unread (reading a thread twice writes nothing)."""
    field = "unread_by_lab" if by_lab else "unread_by_student"
    if getattr(application, field):
        Application.objects.filter(pk=application.pk).update(**{field: 0})
        setattr(application, field, 0)


@transaction.atomic
def interview_invite(
    *, application: Application, by, starts_at, duration_minutes: int, place: str, details: str
) -> Interview:
    """Invite the applicant to an interview: the application moves to "interview" (a
    further round when it is there already), the invitation joins the conversation,
    and the student is emailed with the calendar file attached."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status not in INVITABLE or application.student_id is None:
        raise ServiceError(
            f"This application is {application.get_status_display().lower()}; "
            "only applications in process can be invited to an interview."
        )
    if starts_at <= timezone.now():
        raise ServiceError("Choose a date and time in the future.")
    interview = Interview(
        application=application, starts_at=starts_at, duration_minutes=duration_minutes,
        place=place.strip(), details=details.strip(), invited_by=by,
    )  # fmt: skip
    validated(interview, exclude=["application"])
    if application.status != S.INTERVIEW:
        application.invite_to_interview(by=by)  # the details are on the invitation
    else:
        Application.objects.filter(pk=application.pk).update(updated_at=timezone.now())
    interview.save()
    conversation_add_unread(application=application, from_lab=True)
    notifications.interview_invitation(interview)
    return interview


@transaction.atomic
def offer_answer(*, application: Application, accept: bool, by) -> None:
    """The student accepts or declines an offer; the lab is told."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if not application.is_offer:
        raise ServiceError(
            f"This application is {application.get_status_display().lower()}, not an offer."
        )
    (application.accept_offer if accept else application.decline_offer)(by=by)
    conversation_add_unread(application=application, from_lab=False)
    event = application.events.order_by("-created_at", "-id").first()
    notifications.offer_answered(application, event)


@transaction.atomic
def calendar_feed_create(*, student) -> CalendarFeed:
    """The student's private calendar address (the one they have, or a new one)."""
    feed, _ = CalendarFeed.objects.get_or_create(student=student)
    return feed


@transaction.atomic
def calendar_feed_revoke(*, student) -> bool:
    """Stop the student's calendar address: it answers 404 from now on."""
    return CalendarFeed.objects.filter(student=student).delete()[0] > 0
