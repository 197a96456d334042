"""Every email goes through the queue. `queue_email` stores the message in the outbox
and defers its delivery job in the caller's transaction: a rolled-back change leaves
neither, a committed one always has both. A worker delivers it (`deliver`), retrying
with backoff while the mail server refuses; after the last try it is "failed", with
the error, in the admin, which can send it again. A request never waits for SMTP."""

from __future__ import annotations

import logging
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.utils import DNS_NAME
from django.db import transaction
from django.utils import timezone
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from .models import OutgoingEmail

logger = logging.getLogger(__name__)

# Retries: 10 tries over about 18 minutes (waits 7, 9, 13, 21, 37, 69, 133, 261, 517 s
# with the default MAIL_RETRY_WAIT_SECONDS of 5: that plus 2 ** try).
MAX_ATTEMPTS = 10


def queue_email(message: EmailMultiAlternatives) -> OutgoingEmail:
    """Store `message` and defer its delivery, in the current transaction."""
    html = next((content for content, kind in message.alternatives if kind == "text/html"), "")
    headers = dict(message.extra_headers)
    # One Message-ID for every try: should a sent email be tried again (its server
    # accepted it but the record of that was lost), readers' mail shows it once.
    headers.setdefault("Message-ID", make_msgid(domain=DNS_NAME))
    email = OutgoingEmail.objects.create(
        subject=message.subject,
        from_email=message.from_email or settings.DEFAULT_FROM_EMAIL,
        to=list(message.to),
        reply_to=list(message.reply_to),
        headers=headers,
        body=message.body,
        html=html,
        attachments=[
            [filename, content, mimetype]
            for filename, content, mimetype in message.attachments
            if isinstance(content, str)  # text only (calendar files); kept in the outbox
        ],
    )
    if settings.MAIL_QUEUE_EAGER:
        deliver(email.pk)  # tests that read mail.outbox; the queue itself is tested apart
    else:
        deliver_email.defer(email_id=email.pk)
    return email


def as_message(email: OutgoingEmail, connection=None) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject, body=email.body, from_email=email.from_email, to=email.to,
        reply_to=email.reply_to or None, headers=email.headers, connection=connection,
    )  # fmt: skip
    if email.html:
        message.attach_alternative(email.html, "text/html")
    for filename, content, mimetype in email.attachments:
        message.attach(filename, content, mimetype)
    return message


def deliver(email_id: int, *, final_attempt: bool = True) -> bool:
    """Send one queued email, once: the row is locked while it is sent, and a sent
    email is never sent again. Returns True when it was sent now. A failure is
    recorded (and raised, so that the queue retries) and, on the final attempt,
    marks the email failed."""
    failure = None
    with transaction.atomic():
        email = OutgoingEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.status == OutgoingEmail.Status.SENT:
            return False
        email.attempts += 1
        try:
            as_message(email, connection=get_connection(timeout=settings.EMAIL_TIMEOUT)).send()
        except Exception as error:  # whatever the mail server did: recorded, then retried
            failure = error
            email.last_error = f"{type(error).__name__}: {error}"[:2000]
            if final_attempt:
                email.status = OutgoingEmail.Status.FAILED
        else:
            email.status, email.sent_at = OutgoingEmail.Status.SENT, timezone.now()
            # A sent email's text goes: it may hold a sign-in or reset link, and the
            # outbox (and its backups) must not keep one. Subject and recipients stay.
            email.last_error, email.body, email.html, email.attachments = "", "", "", []
        email.save(
            update_fields=[
                "attempts",
                "last_error",
                "status",
                "sent_at",
                "body",
                "html",
                "attachments",
            ]
        )
    if failure is not None:
        raise failure  # after the commit: the record of the try stays
    return True


@app.task(
    name="labjobs.deliver_email", queue="mail", pass_context=True,
    retry=RetryStrategy(
        max_attempts=MAX_ATTEMPTS - 1, wait=settings.MAIL_RETRY_WAIT_SECONDS, exponential_wait=2
    ),
)  # fmt: skip
def deliver_email(context, *, email_id: int) -> None:
    """The queue's job for one email; its last try marks the email failed."""
    deliver(email_id, final_attempt=context.job.attempts >= MAX_ATTEMPTS - 1)


def send_again(emails) -> int:
    """The admin's "send again" for failed emails: queued afresh, with new tries."""
    count = 0
    for email in emails:
        with transaction.atomic():
            updated = OutgoingEmail.objects.filter(
                pk=email.pk, status=OutgoingEmail.Status.FAILED
            ).update(status=OutgoingEmail.Status.QUEUED, attempts=0)
            if updated:
                deliver_email.defer(email_id=email.pk)
                count += 1
    return count


class QueuedEmailBackend(BaseEmailBackend):
    """Django's own mail through the outbox: the error reports that Django's
    AdminEmailHandler sends to ADMINS (settings.LOGGING). A failing request then
    writes a row instead of waiting for the mail server, and a report the server
    refuses is tried again. When the outbox cannot take a report (the error is the
    database's: it is down, or the transaction is broken), it goes straight to the
    mail server, as Django sends it."""

    def send_messages(self, email_messages) -> int:
        sent = 0
        for message in email_messages:
            try:
                with transaction.atomic():  # a savepoint inside a transaction
                    queue_email(message)
            except Exception as error:  # the database's failure: the report goes directly
                logger.warning("Mailing %r directly: the outbox failed (%s)",
                               message.subject, type(error).__name__)  # fmt: skip
                connection = get_connection(
                    fail_silently=self.fail_silently, timeout=settings.EMAIL_TIMEOUT
                )
                if not connection.send_messages([message]):
                    continue
            sent += 1
        return sent
