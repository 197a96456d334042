"""The outbox and its queue, in one process: an email is stored with its job in the
caller's transaction (a rollback leaves neither), delivered once, its failures
recorded and retried, and a failed one sent again from the admin."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.urls import reverse
from procrastinate.contrib.django.models import ProcrastinateJob
from procrastinate.jobs import Job

from labjobs import mail as outbox
from labjobs.models import OutgoingEmail
from tests.support.smtp import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def through_the_queue(settings):
    settings.MAIL_QUEUE_EAGER = False


def message(subject="Hello") -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(subject=subject, body="Text", to=["ana@uni.edu"])
    email.attach_alternative("<p>HTML</p>", "text/html")
    return email


def jobs():
    return list(ProcrastinateJob.objects.filter(task_name="labjobs.deliver_email"))


def test_a_committed_email_has_its_job_and_a_rolled_back_one_has_neither():
    with transaction.atomic():
        kept = outbox.queue_email(message("kept"))
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.queue_email(message("rolled back"))
        raise RuntimeError("the change failed after the email was queued")

    assert list(OutgoingEmail.objects.values_list("subject", flat=True)) == ["kept"]
    [job] = jobs()
    assert job.args == {"email_id": kept.pk} and job.status == "todo"
    assert mail.outbox == []  # nothing is sent in the request


def test_delivery_sends_once_with_both_parts():
    email = outbox.queue_email(message())
    assert email.headers["Message-ID"].startswith("<")  # the same on every try
    assert outbox.deliver(email.pk) is True
    assert outbox.deliver(email.pk) is False  # a second run of the job sends nothing
    [sent] = mail.outbox
    assert sent.to == ["ana@uni.edu"] and sent.alternatives[0][0] == "<p>HTML</p>"
    assert sent.message()["Message-ID"] == email.headers["Message-ID"]
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 1) and email.sent_at
    # The text goes once sent (it may hold a reset link); subject and recipients stay.
    assert (email.body, email.html, email.subject, email.to) == ("", "", "Hello", ["ana@uni.edu"])


def test_a_text_attachment_waits_in_the_outbox_and_goes_with_the_text():
    calendar = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
    email = message()
    email.attach("interview.ics", calendar, "text/calendar")
    queued = outbox.queue_email(email)
    assert queued.attachments == [["interview.ics", calendar, "text/calendar"]]

    outbox.deliver(queued.pk)

    [sent] = mail.outbox
    [(filename, content, mimetype)] = sent.attachments
    assert (filename, content, mimetype) == ("interview.ics", calendar, "text/calendar")
    queued.refresh_from_db()
    assert queued.attachments == []  # like the text, gone once sent


def test_a_refused_delivery_is_recorded_then_failed_on_the_last_try(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens
    email = outbox.queue_email(message())

    with pytest.raises(ConnectionRefusedError):
        outbox.deliver(email.pk, final_attempt=False)
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("queued", 1)
    assert "ConnectionRefusedError" in email.last_error

    with pytest.raises(ConnectionRefusedError):
        outbox.deliver(email.pk, final_attempt=True)
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("failed", 2)


def test_the_queue_retries_with_backoff_then_gives_up():
    strategy = outbox.deliver_email.retry_strategy
    error = ConnectionRefusedError()

    def decision(attempts):
        job = Job(id=1, queue="mail", lock=None, queueing_lock=None, task_name="x",
                  attempts=attempts)  # fmt: skip
        return strategy.get_retry_decision(exception=error, job=job)

    waits = [decision(n).retry_at for n in range(outbox.MAX_ATTEMPTS - 1)]
    assert all(waits)  # retried after each of the first nine tries
    assert decision(outbox.MAX_ATTEMPTS - 1) is None  # the tenth is the last


def test_admins_see_failed_emails_with_their_error_and_send_them_again(client, superuser):
    email = outbox.queue_email(message("Receipt"))
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status="failed", attempts=10, last_error="SMTPServerDisconnected: gone"
    )
    client.force_login(superuser)
    page = client.get(reverse("admin:labjobs_outgoingemail_changelist"), {"status": "failed"})
    assert "SMTPServerDisconnected: gone" in page.content.decode()
    detail = client.get(reverse("admin:labjobs_outgoingemail_change", args=[email.pk]))
    shown = detail.content.decode()
    assert "Receipt" in shown and "HTML</p>" not in shown and "HTML&lt;/p&gt;" not in shown

    client.post(
        reverse("admin:labjobs_outgoingemail_changelist"),
        {"action": "send_again_action", ACTION_CHECKBOX_NAME: [email.pk]},
    )

    email.refresh_from_db()
    assert (email.status, email.attempts) == ("queued", 0)
    assert len(jobs()) == 2  # the first job, and the new one


def test_healthz_queue_says_ok_or_degraded_with_the_oldest_wait(client, settings):
    assert client.get(reverse("healthz_queue")).content.decode().startswith("ok: 0 waiting")
    outbox.queue_email(message())
    settings.QUEUE_MAX_AGE_SECONDS = -1  # any waiting job is too old
    response = client.get(reverse("healthz_queue"))
    assert response.status_code == 503
    assert response.content.decode().startswith("degraded: 1 waiting, oldest")
