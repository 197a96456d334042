"""A mail server that is down never fails a request and never undoes what it wrote:
the request only stores the email and its job; workers deliver it later
(tests/system/test_workers.py follows such mail until it arrives)."""

import socket
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from labjobs.models import OutgoingEmail
from listings.models import Application, ApplicationMessage
from tests.support.factories import (
    SubmittedApplicationFactory,
    signup_fields,
    student_who_applied,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("migration_data")]


@pytest.fixture
def smtp_down(settings):
    """Real SMTP, to a loopback port where nothing listens: every send is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    settings.MAIL_QUEUE_EAGER = False  # the real path: the request queues, a worker sends
    return port


def test_applying_succeeds_and_keeps_the_cv_while_mail_is_down(client, smtp_down):
    student, response = student_who_applied(client)

    assert response.status_code == 302, response.content.decode()[-3000:]
    application = Application.objects.get(student=student)
    assert application.status == "submitted"
    assert application.cv.storage.exists(application.cv.name)  # the frozen copy is kept
    assert OutgoingEmail.objects.get().to == [student.email]  # the receipt waits to be sent


def test_moving_and_messaging_succeed_while_mail_is_down(client, smtp_down, lab_staff):
    application = SubmittedApplicationFactory(listing__lab=lab_staff.lab_staff_profile.lab)
    client.force_login(lab_staff)

    tomorrow = timezone.localdate() + timedelta(days=1)
    moved = client.post(
        reverse("listings:manage_applicant_interview", args=[application.pk]),
        {"day": tomorrow.isoformat(), "time": "10:00", "duration_minutes": "30",
         "place": "Room 4", "details": "Tuesday at 10?"},
    )  # fmt: skip
    sent = client.post(
        reverse("listings:manage_applicant_message", args=[application.pk]), {"body": "Hello"}
    )

    assert moved.status_code == sent.status_code == 302
    application.refresh_from_db()
    assert application.status == "interview"
    assert ApplicationMessage.objects.filter(application=application).count() == 1
    assert OutgoingEmail.objects.count() == 2  # the invitation (with its calendar file) waits
    assert "interview.ics" in str(OutgoingEmail.objects.order_by("id").first().attachments)


def test_signing_up_succeeds_while_mail_is_down(client, smtp_down):
    response = client.post(
        reverse("account_signup"),
        signup_fields("new@uni.edu"),
    )
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert OutgoingEmail.objects.get().to == ["new@uni.edu"]  # the confirmation link waits
