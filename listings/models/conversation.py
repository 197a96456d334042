"""What a student and a lab say to each other beyond the status: interview invitations
(a date, a time and a place, each with its own calendar file) and the student's
private calendar feed of deadlines and interviews."""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from .application import Application
from .choices import MESSAGE_MAX
from .limits import max_length

INTERVIEW_MINUTES = (15, 480)  # a quarter of an hour to a working day


class Interview(models.Model):
    """One interview invitation sent by the lab: when, how long, where. Every
    invitation is its own event in the student's calendar (its `uid` never changes)."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="interviews"
    )
    starts_at = models.DateTimeField("date and time")
    duration_minutes = models.PositiveSmallIntegerField("length (minutes)", default=30)
    place = models.CharField(max_length=200, help_text="A room and building, or a video-call link.")
    details = models.TextField("message to the student", blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=INTERVIEW_MINUTES[0])
                & models.Q(duration_minutes__lte=INTERVIEW_MINUTES[1]),
                name="interview_duration_range",
                violation_error_message="An interview lasts 15 minutes to 8 hours.",
            ),
            models.CheckConstraint(condition=~models.Q(place=""), name="interview_place"),
            max_length("details", MESSAGE_MAX, "interview"),
        ]

    def __str__(self):
        return f"Interview for {self.application} at {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def ends_at(self):
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def is_upcoming(self) -> bool:
        return self.ends_at > timezone.now()


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A student's private calendar address (deadlines of saved listings, interviews).
    The token is the only proof, so it is long and random; revoking deletes the row,
    and the old address answers 404 from then on."""

    student = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    def __str__(self):
        return f"calendar feed of {self.student}"
