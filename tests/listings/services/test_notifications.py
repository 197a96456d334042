"""The notification service: emails on lab moves and due follow-ups, text and HTML,
sent only after the transaction commits."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from labjobs.errors import IllegalTransition
from labjobs.models import OutgoingEmail
from listings.services import applications, scheduled
from tests.support.factories import ApplicationFactory, SubmittedApplicationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("move", "status", "label"),
    [
        ("start_review", "reviewing", "Under review"),
        ("invite_to_interview", "interview", "Interview"),
        ("make_offer", "offer", "Offer"),
        ("mark_not_selected", "not_selected", "Not selected"),
    ],
)
def test_each_lab_move_emails_the_student(
    move, status, label, lab_staff, django_capture_on_commit_callbacks
):
    application = SubmittedApplicationFactory(
        listing__lab=lab_staff.lab_staff_profile.lab, listing__title="Flow cytometry RA"
    )

    with django_capture_on_commit_callbacks(execute=True):
        applications.application_move(
            application=application, move=move, by=lab_staff, note="Thanks for applying."
        )

    application.refresh_from_db()
    assert application.status == status
    [message] = mail.outbox
    assert message.to == [application.student.email]
    assert message.subject == f"[LabJobs] Flow cytometry RA: {label}"
    assert "Thanks for applying." in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "Thanks for applying." in html
    assert f"/applications/{application.pk}/" in message.body


def test_no_email_when_the_transaction_rolls_back(lab_staff, settings):
    settings.MAIL_QUEUE_EAGER = False
    application = SubmittedApplicationFactory()

    with pytest.raises(RuntimeError), transaction.atomic():
        applications.application_move(application=application, move="start_review", by=lab_staff)
        raise RuntimeError("something later failed")

    assert not OutgoingEmail.objects.exists() and mail.outbox == []


def test_illegal_move_sends_nothing(lab_staff, django_capture_on_commit_callbacks):
    application = ApplicationFactory()  # saved, never sent
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(IllegalTransition):
        applications.application_move(application=application, move="make_offer", by=lab_staff)
    assert mail.outbox == []


def test_html_part_escapes_what_the_lab_wrote(lab_staff, django_capture_on_commit_callbacks):
    application = SubmittedApplicationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        applications.application_move(
            application=application, move="make_offer", by=lab_staff, note="<script>x</script>"
        )
    html = mail.outbox[0].alternatives[0][0]
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_send_reminders_once_per_follow_up_date(django_capture_on_commit_callbacks):
    today = timezone.localdate()
    due = SubmittedApplicationFactory(follow_up_on=today, notes="Email Dr. Chen")
    SubmittedApplicationFactory(follow_up_on=today + timedelta(days=30))  # not yet
    withdrawn = SubmittedApplicationFactory(follow_up_on=today)
    withdrawn.withdraw(by=None)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    with django_capture_on_commit_callbacks(execute=True):
        assert scheduled.send_follow_up_reminders() == 0  # twice: nothing new

    [message] = mail.outbox
    assert message.to == [due.student.email]
    assert "Follow up" in message.subject and "Email Dr. Chen" in message.body

    # A new date re-arms the reminder.
    applications.application_update_tracking(
        application=due, notes=due.notes, follow_up_on=today + timedelta(days=7)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert scheduled.send_follow_up_reminders(today=today + timedelta(days=7)) == 1


def test_the_lab_is_told_of_a_moderators_decision(
    lab, lab_staff, moderator, django_capture_on_commit_callbacks
):
    from listings.services.listings import listing_approve, listing_reject
    from tests.support.factories import PendingListingFactory

    rejected = PendingListingFactory(lab=lab, title="Vague RA")
    approved = PendingListingFactory(lab=lab, title="Clear RA")
    with django_capture_on_commit_callbacks(execute=True):
        listing_reject(listing=rejected, moderator=moderator, reason="Say the hourly rate.")
        listing_approve(listing=approved, moderator=moderator)

    rejection, approval = mail.outbox
    assert rejection.to == approval.to == [lab_staff.email]
    assert rejection.subject == "[LabJobs] Not published: Vague RA"
    assert "Say the hourly rate." in rejection.body
    assert f"/manage/listings/{rejected.pk}/" in rejection.body
    assert approval.subject == "[LabJobs] Published: Clear RA"
