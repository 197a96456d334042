"""Applications: a student's bookmark, draft and submission to one listing, with its
timeline, its thread of messages with the lab, and the lab's CV downloads."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import cv_storage_name
from labjobs.errors import IllegalTransition
from labjobs.states import StateEvent, StatefulModel

from .choices import IN_PROCESS, MESSAGE_MAX, TEXT_MAX, ApplicationStatus
from .limits import max_length
from .listing import Listing
from .states import APPLICATION_MOVES

SAVED = ApplicationStatus.SAVED


class Application(StatefulModel):
    """A student's application to one listing, from bookmark ("saved") to outcome."""

    Status = ApplicationStatus
    machine = APPLICATION_MOVES
    event_parent_field = "application"

    # Empty only once the student deleted their account: the lab keeps an anonymised
    # record of a submitted application (status and dates, no letter, no CV).
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="applications",
        null=True,
        blank=True,
    )
    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="applications")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SAVED)
    cover_letter = models.TextField(blank=True)
    # The CV as submitted: a copy of its own, so later profile changes do not alter it.
    cv = models.FileField("CV", upload_to=cv_storage_name, blank=True, max_length=200)
    cv_filename = models.CharField("CV file name", max_length=200, blank=True)
    applied_externally = models.BooleanField(
        default=False, help_text="Applied on the lab's own site; tracked here by hand."
    )
    notes = models.TextField("private notes", blank=True, help_text="Only you see these.")
    follow_up_on = models.DateField("follow up on", null=True, blank=True)
    follow_up_reminded_on = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # Messages, status changes and invitations the other side has not opened yet:
    # raised by the service that adds them, cleared when the thread is read.
    unread_by_student = models.PositiveIntegerField(default=0, editable=False)
    unread_by_lab = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "listing"],
                name="application_one_per_student_listing",
                violation_error_message="You already have an application for this listing.",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ApplicationStatus.values),
                name="application_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status=SAVED) | models.Q(submitted_at__isnull=False),
                name="application_submitted_has_date",
            ),
            models.CheckConstraint(
                condition=models.Q(student__isnull=False) | ~models.Q(status=SAVED),
                name="application_anonymised_only_if_submitted",
            ),
            max_length("cover_letter", TEXT_MAX, "application"),
            max_length("notes", TEXT_MAX, "application"),
        ]

    def __str__(self):
        return f"{self.student or 'Deleted account'} -> {self.listing}"

    @property
    def follow_up_due(self) -> bool:
        """A follow-up date has come on an application still open (saved or in process)."""
        return (
            self.follow_up_on is not None
            and self.follow_up_on <= timezone.localdate()
            and (self.status == ApplicationStatus.SAVED or self.status in IN_PROCESS)
        )

    @property
    def is_draft(self) -> bool:
        """Saved with a cover letter or CV begun: a draft, not only a bookmark."""
        return self.status == SAVED and bool(self.cover_letter or self.cv)

    @property
    def upcoming_interview(self):
        """The next interview not yet over (interviews prefetched by lists)."""
        now = timezone.now()
        return next((i for i in self.interviews.all() if i.ends_at > now), None)

    @property
    def next_step(self) -> str:
        """What the student does next, in a sentence (the tracker and the application)."""
        listing, status = self.listing, self.status
        if status == SAVED:
            if not listing.takes_applications:
                return "This listing no longer takes applications."
            verb = "Finish and send your draft" if self.is_draft else "Apply"
            by = f" by {date_format(listing.deadline, 'M j')}" if listing.deadline else ""
            return f"Next: {verb}{by}."
        if status == ApplicationStatus.SUBMITTED:
            if self.applied_externally:
                return "Next: set a follow-up date to check in with the lab."
            return "Next: wait for the lab to review it; a message here reaches them."
        if status == ApplicationStatus.REVIEWING:
            return "The lab is reviewing it: nothing to do for now."
        if status == ApplicationStatus.INTERVIEW:
            interview = self.upcoming_interview
            if interview is None:
                return "Next: wait for the lab's decision after your interview."
            when = date_format(timezone.localtime(interview.starts_at), "D M j, H:i")
            return f"Next: your interview, {when}, {interview.place}."
        if status == ApplicationStatus.OFFER:
            return "Next: accept or decline the lab's offer."
        if status == ApplicationStatus.ACCEPTED:
            return "You accepted: agree your start date with the lab."
        return "Nothing more to do here."

    @property
    def can_withdraw(self) -> bool:
        return self.status in IN_PROCESS

    # -- moves: `submit` checks the listing; the others come from APPLICATION_MOVES --
    def submit(self, *, by) -> None:
        if not self.listing.takes_applications:
            raise IllegalTransition("This listing is not taking applications.")
        self._move("submit", by=by, submitted_at=timezone.now())


class ApplicationEvent(StateEvent):
    """One state change of an application, shown on both sides' timelines."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=16, choices=Application.Status.choices)
    to_status = models.CharField(max_length=16, choices=Application.Status.choices)


class CVDownload(models.Model):
    """Lab staff downloaded the CV sent with an application (who, when)."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="cv_downloads"
    )
    downloaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    downloaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-downloaded_at", "-id"]

    def __str__(self):
        return f"{self.downloaded_by} downloaded the CV of {self.application}"


class ApplicationMessage(models.Model):
    """One message in the thread between a lab and an applicant, also sent by email."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_lab = models.BooleanField()
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            max_length("body", MESSAGE_MAX, "applicationmessage"),
            models.CheckConstraint(condition=~models.Q(body=""), name="applicationmessage_body"),
        ]

    def __str__(self):
        return f"Message on {self.application}"


class ApplicantReview(models.Model):
    """The lab's own view of an applicant: a 1-5 rating and notes, shared among the
    lab's staff and never shown to the student (only /manage/ pages read it)."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, primary_key=True, related_name="review"
    )
    rating = models.PositiveSmallIntegerField(
        null=True, blank=True, choices=[(n, str(n)) for n in range(1, 6)],
        help_text="1 (weak) to 5 (strong); empty: not rated.",
    )  # fmt: skip
    notes = models.TextField("staff notes", blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="applicantreview_rating_1_to_5",
            ),
            max_length("notes", TEXT_MAX, "applicantreview"),
        ]

    def __str__(self):
        return f"review of application {self.application_id}"
