"""The listings domain's enums and limits: a leaf that every layer may import."""

from django.db import models

TITLE_MAX = 200
TEXT_MAX = 20_000  # description, responsibilities, cover letter: about 3,000 words
MESSAGE_MAX = 5000
INQUIRY_MAX = 2000


class Compensation(models.TextChoices):
    PAID = "paid", "Paid"
    STIPEND = "stipend", "Stipend"
    CREDIT = "credit", "Course credit"
    VOLUNTEER = "volunteer", "Volunteer"


class Schedule(models.TextChoices):
    WEEKDAYS = "weekdays", "Weekdays"
    EVENINGS = "evenings", "Evenings"
    WEEKENDS = "weekends", "Weekends"
    FLEXIBLE = "flexible", "Flexible"
    SUMMER = "summer", "Summer full-time"


class WorkMode(models.TextChoices):
    ON_SITE = "on_site", "On-site"
    HYBRID = "hybrid", "Hybrid"
    REMOTE = "remote", "Remote"


class Benefit(models.TextChoices):
    RESEARCH = "research_experience", "Research experience"
    PUBLICATION = "publication", "Publication or poster opportunity"
    MENTORSHIP = "mentorship", "Mentorship"
    LETTER = "letter", "Letter of recommendation"


class ApplyMethod(models.TextChoices):
    LABJOBS = "labjobs", "Apply on LabJobs"
    EXTERNAL = "external", "Apply on the lab's own site"


class ListingStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PENDING = "pending", "Pending review"
    PUBLISHED = "published", "Published"
    REJECTED = "rejected", "Rejected"
    CLOSED = "closed", "Closed"
    EXPIRED = "expired", "Expired"


# A lab edits only what students cannot see yet.
EDITABLE = frozenset({ListingStatus.DRAFT, ListingStatus.REJECTED})
# Pages anyone may open (closed and expired ones are marked as such).
VISIBLE_TO_ALL = frozenset({ListingStatus.PUBLISHED, ListingStatus.CLOSED, ListingStatus.EXPIRED})


class CloseReason(models.TextChoices):
    FILLED = "filled", "The position was filled"
    WITHDRAWN = "withdrawn", "The lab withdrew the opening"


class ApplicationStatus(models.TextChoices):
    SAVED = "saved", "Saved"
    SUBMITTED = "submitted", "Submitted"
    REVIEWING = "reviewing", "Under review"
    INTERVIEW = "interview", "Interview"
    OFFER = "offer", "Offer"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    NOT_SELECTED = "not_selected", "Not selected"
    WITHDRAWN = "withdrawn", "Withdrawn"


# Submitted and not yet decided: the lab may still move it, the student may withdraw.
IN_PROCESS = frozenset(
    {
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.REVIEWING,
        ApplicationStatus.INTERVIEW,
        ApplicationStatus.OFFER,
    }
)


class AlertFrequency(models.TextChoices):
    DAILY = "daily", "Daily email"
    WEEKLY = "weekly", "Weekly email"
    NEVER = "never", "No email"
