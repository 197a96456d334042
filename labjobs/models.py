"""The outbox: every email LabJobs sends is a row, written in the same transaction as
the change that caused it, and delivered by a job on the queue (labjobs/mail.py).
Once sent, its text is cleared (it may hold a sign-in or reset link)."""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone


class OutgoingEmail(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed (retries used up)"

    subject = models.CharField(max_length=998)
    from_email = models.CharField(max_length=320)
    to = ArrayField(models.CharField(max_length=320))
    reply_to = ArrayField(models.CharField(max_length=320), blank=True, default=list)
    headers = models.JSONField(blank=True, default=dict)
    body = models.TextField()
    html = models.TextField(blank=True)
    # Small text attachments (an invitation's .ics): [filename, content, mimetype] each.
    attachments = models.JSONField(blank=True, default=list)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="outgoingemail_status")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["queued", "sent", "failed"]),
                name="outgoingemail_status_valid",
            )
        ]

    def __str__(self):
        return f"{self.subject} -> {', '.join(self.to)}"
