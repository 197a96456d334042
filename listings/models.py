"""Labs, role types, certifications, listings and applications, with their states."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import URLValidator
from django.db import models
from django.db.models import F
from django.db.models.functions import Length, Lower
from django.db.models.lookups import LessThanOrEqual
from django.urls import reverse
from django.utils import timezone

from accounts.models import Program, cv_storage_name

from .querysets import ListingQuerySet
from .transitions import IllegalTransition, Transition, TransitionsMixin

TITLE_MAX = 200
# Links end up in href attributes: only web addresses, never javascript: or data:.
WEB_URL = [URLValidator(schemes=["http", "https"])]
TEXT_MAX = 20_000  # description, responsibilities, cover letter: about 3,000 words


def _max_length(field: str, limit: int, model: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=LessThanOrEqual(Length(field), limit),
        name=f"{model}_{field}_max_length",
        violation_error_message=f"{field.replace('_', ' ').capitalize()} is too long "
        f"(at most {limit:,} characters).",
    )


class Institution(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    website = models.URLField(blank=True, validators=WEB_URL)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Lab(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="labs")
    department = models.CharField(max_length=200, blank=True)
    principal_investigator = models.CharField("PI", max_length=200, blank=True)
    city = models.CharField(max_length=100)
    region = models.CharField("state or region", max_length=100, blank=True)
    country = models.CharField(max_length=100, default="United States")
    website = models.URLField(blank=True, validators=WEB_URL)
    description = models.TextField(blank=True, help_text="Markdown.")
    email_domains = ArrayField(
        models.CharField(max_length=120),
        blank=True,
        default=list,
        help_text="Comma-separated, e.g. uw.edu, med.uw.edu. Staff with a verified "
        "address on one of these are verified automatically.",
    )
    open_to_inquiries = models.BooleanField(
        default=False, help_text="Students may contact the lab even without an open listing."
    )
    trusted = models.BooleanField(
        default=False, help_text="Listings submitted by this lab publish without review."
    )
    approved = models.BooleanField(
        default=True,
        db_default=True,
        help_text="Labs asked for by new staff at sign-up wait for an admin; until then "
        "they are hidden and their staff can only draft.",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "name"], name="lab_unique_per_institution"
            ),
            _max_length("description", TEXT_MAX, "lab"),
        ]

    def __str__(self):
        return f"{self.name}, {self.institution}"

    def get_absolute_url(self):
        return reverse("listings:lab_detail", kwargs={"slug": self.slug})

    @property
    def location(self) -> str:
        return ", ".join(part for part in (self.city, self.region) if part)


class RoleType(models.Model):
    """A kind of lab work (Research Assistant, Phlebotomist, ...); admins manage the list."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Order on the home page.")

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class Certification(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


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


class Listing(TransitionsMixin):
    Status = ListingStatus
    S = Status
    transitions = {
        "submit": Transition(frozenset({S.DRAFT, S.REJECTED}), S.PENDING, "submit"),
        "publish_trusted": Transition(frozenset({S.DRAFT, S.REJECTED}), S.PUBLISHED, "publish"),
        "withdraw_submission": Transition(frozenset({S.PENDING}), S.DRAFT, "withdraw"),
        "approve": Transition(frozenset({S.PENDING}), S.PUBLISHED, "approve"),
        "reject": Transition(frozenset({S.PENDING}), S.REJECTED, "reject", needs_reason=True),
        "close": Transition(frozenset({S.PUBLISHED}), S.CLOSED, "close", needs_reason=True),
        "expire": Transition(frozenset({S.PUBLISHED}), S.EXPIRED, "expire"),
        "renew": Transition(frozenset({S.PUBLISHED, S.EXPIRED}), S.PUBLISHED, "renew"),
    }
    del S
    event_model = "listings.ListingEvent"
    event_parent_field = "listing"

    class CloseReason(models.TextChoices):
        FILLED = "filled", "The position was filled"
        WITHDRAWN = "withdrawn", "The lab withdrew the opening"

    title = models.CharField(max_length=TITLE_MAX)
    lab = models.ForeignKey(Lab, on_delete=models.PROTECT, related_name="listings")
    role_types = models.ManyToManyField(RoleType, related_name="listings")
    description = models.TextField(help_text="Markdown.")
    responsibilities = models.TextField(blank=True, help_text="Markdown; a list works well.")
    skills = ArrayField(
        models.CharField(max_length=80),
        blank=True,
        default=list,
        help_text="Skills sought, comma-separated: attention to detail, following protocols, ...",
    )
    certifications = models.ManyToManyField(
        Certification, blank=True, related_name="listings", verbose_name="required certifications"
    )
    levels = ArrayField(
        models.CharField(max_length=16, choices=Program.choices),
        verbose_name="student levels eligible",
    )
    compensation = models.CharField(max_length=16, choices=Compensation.choices)
    pay_rate = models.DecimalField(
        "pay rate (USD per hour)", max_digits=6, decimal_places=2, null=True, blank=True
    )
    hours_min = models.PositiveSmallIntegerField("hours per week (minimum)")
    hours_max = models.PositiveSmallIntegerField("hours per week (maximum)")
    schedules = ArrayField(models.CharField(max_length=16, choices=Schedule.choices))
    start_date = models.DateField(null=True, blank=True, help_text="Empty: as soon as possible.")
    duration_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Empty: ongoing."
    )
    work_mode = models.CharField(max_length=16, choices=WorkMode.choices, default=WorkMode.ON_SITE)
    deadline = models.DateField(
        "application deadline", null=True, blank=True, help_text="Empty: rolling."
    )
    openings = models.PositiveSmallIntegerField(default=1)
    benefits = ArrayField(
        models.CharField(max_length=32, choices=Benefit.choices), blank=True, default=list
    )
    apply_method = models.CharField(
        max_length=16, choices=ApplyMethod.choices, default=ApplyMethod.LABJOBS
    )
    apply_url = models.URLField(
        "external application link", blank=True, max_length=500, validators=WEB_URL
    )

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    rejection_reason = models.TextField(blank=True, help_text="Shown to the poster.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="listings_created",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField("posted", null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    expiry_warned_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Set on submission when a very similar listing was published or pending lately.
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="possible duplicate of",
    )  # fmt: skip
    duplicate_similarity = models.FloatField(null=True, blank=True, editable=False)
    # The create form's one-time token: a double click creates one draft, not two.
    form_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    # Kept by database triggers (migration 0007): title A; role types, lab and
    # institution names B; description, responsibilities and skills C.
    search_vector = SearchVectorField(null=True, editable=False)
    # Copies kept by the same trigger, so that facet counts read one table in one pass.
    facet_role_type_ids = ArrayField(models.BigIntegerField(), default=list, editable=False)
    facet_institution_id = models.BigIntegerField(null=True, editable=False)

    objects = ListingQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        permissions = [("moderate_listing", "Can approve or reject listings")]
        indexes = [
            models.Index(fields=["status", "expires_at"], name="listing_status_expiry"),
            models.Index(fields=["status", "submitted_at"], name="listing_status_submitted"),
            GinIndex(fields=["search_vector"], name="listing_search_vector"),
            # Titles alike (pg_trgm), for the duplicate check on submission.
            GinIndex(fields=["title"], opclasses=["gin_trgm_ops"], name="listing_title_trgm"),
            # Facet counts of a search without words read this narrow index only.
            models.Index(
                fields=["expires_at"],
                include=[
                    "facet_role_type_ids", "compensation", "schedules", "work_mode", "levels",
                    "facet_institution_id", "hours_min", "deadline", "published_at", "lab",
                ],
                name="listing_published_facets", condition=models.Q(status="published"),
            ),
            # The sorts of the search page, over published listings only.
            models.Index(
                F("published_at").desc(), F("id").desc(),
                name="listing_published_newest", condition=models.Q(status="published"),
            ),
            models.Index(
                F("deadline").asc(nulls_last=True), F("published_at").desc(), F("id").desc(),
                name="listing_published_deadline", condition=models.Q(status="published"),
            ),
            models.Index(
                F("pay_rate").desc(nulls_last=True), F("published_at").desc(), F("id").desc(),
                name="listing_published_pay", condition=models.Q(status="published"),
            ),
        ]  # fmt: skip
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ListingStatus.values), name="listing_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(hours_min__gte=1, hours_max__lte=80)
                & models.Q(hours_min__lte=models.F("hours_max")),
                name="listing_hours_range",
                violation_error_message="Hours per week must be between 1 and 80, minimum "
                "not above maximum.",
            ),
            models.CheckConstraint(
                condition=models.Q(openings__gte=1), name="listing_openings_at_least_one"
            ),
            models.CheckConstraint(
                # isnull=False matters: "NULL > 0" is NULL, which a CHECK lets through.
                condition=models.Q(
                    compensation=Compensation.PAID, pay_rate__isnull=False, pay_rate__gt=0
                )
                | (~models.Q(compensation=Compensation.PAID) & models.Q(pay_rate__isnull=True)),
                name="listing_pay_rate_only_when_paid",
                violation_error_message="A paid listing needs a pay rate; other kinds have none.",
            ),
            models.CheckConstraint(
                condition=models.Q(compensation__in=Compensation.values),
                name="listing_compensation_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(work_mode__in=WorkMode.values), name="listing_work_mode_valid"
            ),
            models.CheckConstraint(
                condition=(models.Q(apply_method=ApplyMethod.EXTERNAL) & ~models.Q(apply_url=""))
                | models.Q(apply_method=ApplyMethod.LABJOBS, apply_url=""),
                name="listing_apply_url_iff_external",
                violation_error_message="An external application needs its link (and only it).",
            ),
            models.CheckConstraint(
                condition=models.Q(apply_url="")
                | models.Q(apply_url__startswith="https://")
                | models.Q(apply_url__startswith="http://"),
                name="listing_apply_url_is_web_address",
            ),
            models.CheckConstraint(
                condition=models.Q(levels__len__gte=1), name="listing_has_levels"
            ),
            models.CheckConstraint(
                condition=models.Q(schedules__len__gte=1), name="listing_has_schedules"
            ),
            models.CheckConstraint(condition=~models.Q(title=""), name="listing_title_not_blank"),
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "pending", "rejected"])
                | models.Q(published_at__isnull=False, expires_at__isnull=False),
                name="listing_published_has_dates",
            ),
            _max_length("description", TEXT_MAX, "listing"),
            _max_length("responsibilities", TEXT_MAX, "listing"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("listings:listing_detail", kwargs={"pk": self.pk})

    # -- reads -------------------------------------------------------------
    @property
    def is_past_expiry(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED and not self.is_past_expiry

    @property
    def is_past_deadline(self) -> bool:
        return self.deadline is not None and self.deadline < timezone.localdate()

    @property
    def takes_applications(self) -> bool:
        """Open for new applications: public and its deadline not passed."""
        return self.is_public and not self.is_past_deadline

    @property
    def is_rolling(self) -> bool:
        return self.deadline is None

    @property
    def schedule_labels(self) -> list[str]:
        return [Schedule(value).label for value in self.schedules]

    @property
    def level_labels(self) -> list[str]:
        return [label for value, label in Program.choices if value in self.levels]

    @property
    def hours_label(self) -> str:
        if self.hours_min == self.hours_max:
            return f"{self.hours_min} h/week"
        return f"{self.hours_min}–{self.hours_max} h/week"

    @property
    def benefit_labels(self) -> list[str]:
        return [Benefit(value).label for value in self.benefits]

    # -- transitions (each records a ListingEvent) -------------------------
    def submit(self, *, by) -> None:
        """Send for review; a trusted lab's listing is published at once."""
        if self.lab.trusted:
            self._move(
                "publish_trusted",
                by=by,
                reason="Published without review (trusted lab).",
                submitted_at=timezone.now(),
                rejection_reason="",
                **self._publication_dates(),
            )
        else:
            self._move("submit", by=by, submitted_at=timezone.now())

    def withdraw_submission(self, *, by) -> None:
        self._move("withdraw_submission", by=by)

    def approve(self, *, by, note: str = "") -> None:
        self._move("approve", by=by, reason=note, rejection_reason="", **self._publication_dates())

    def reject(self, *, by, reason: str) -> None:
        self._move("reject", by=by, reason=reason, rejection_reason=(reason or "").strip())

    def close(self, *, by, reason: str) -> None:
        self._move("close", by=by, reason=reason)

    def expire(self, *, by=None) -> None:
        self._move("expire", by=by, reason="Past its expiry date.")

    def renew(self, *, by, days: int = 30) -> None:
        """Extend the listing by `days` from now (or from its expiry, if later)."""
        base = max(self.expires_at or timezone.now(), timezone.now())
        until = base + timedelta(days=days)
        self._move(
            "renew",
            by=by,
            reason=f"Renewed until {until:%Y-%m-%d}.",
            expires_at=until,
            expiry_warned_at=None,
        )

    def _publication_dates(self) -> dict:
        now = timezone.now()
        dates = {"published_at": now}
        if self.expires_at is None or self.expires_at <= now:
            dates["expires_at"] = now + timedelta(days=settings.LISTING_DEFAULT_LIFETIME_DAYS)
        return dates


class SearchSynonym(models.Model):
    """Two ways students say the same thing ("blood draw" / "phlebotomy", "RA" /
    "research assistant"): a search for either also finds the other."""

    term = models.CharField(max_length=60, help_text="A word, phrase or abbreviation.")
    equivalent = models.CharField(max_length=60, help_text="What it means in listings.")

    class Meta:
        ordering = ["term"]
        constraints = [
            models.UniqueConstraint(
                Lower("term"), Lower("equivalent"), name="searchsynonym_unique_pair"
            ),
            models.CheckConstraint(
                condition=~models.Q(term="") & ~models.Q(equivalent=""),
                name="searchsynonym_not_blank",
            ),
        ]

    def __str__(self):
        return f"{self.term} = {self.equivalent}"


class ListingEvent(models.Model):
    """One state change of a listing: who, from, to, why, when."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    from_status = models.CharField(max_length=16, choices=Listing.Status.choices)
    to_status = models.CharField(max_length=16, choices=Listing.Status.choices)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.listing}: {self.from_status} -> {self.to_status}"


def _cv_upload_to(application, filename: str) -> str:
    return cv_storage_name(application, filename)


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


class Application(TransitionsMixin):
    """A student's application to one listing, from bookmark ("saved") to outcome."""

    Status = ApplicationStatus
    S = Status
    transitions = {
        "submit": Transition(frozenset({S.SAVED}), S.SUBMITTED, "submit"),
        "start_review": Transition(frozenset({S.SUBMITTED}), S.REVIEWING, "review"),
        "invite_to_interview": Transition(
            frozenset({S.SUBMITTED, S.REVIEWING}), S.INTERVIEW, "invite to interview"
        ),
        "make_offer": Transition(
            frozenset({S.SUBMITTED, S.REVIEWING, S.INTERVIEW}), S.OFFER, "make an offer on"
        ),
        "accept_offer": Transition(frozenset({S.OFFER}), S.ACCEPTED, "accept"),
        "decline_offer": Transition(frozenset({S.OFFER}), S.DECLINED, "decline"),
        "mark_not_selected": Transition(IN_PROCESS, S.NOT_SELECTED, "mark as not selected"),
        "withdraw": Transition(IN_PROCESS, S.WITHDRAWN, "withdraw"),
    }
    del S
    event_model = "listings.ApplicationEvent"
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
    cv = models.FileField("CV", upload_to=_cv_upload_to, blank=True, max_length=200)
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
                condition=models.Q(status="saved") | models.Q(submitted_at__isnull=False),
                name="application_submitted_has_date",
            ),
            models.CheckConstraint(
                condition=models.Q(student__isnull=False) | ~models.Q(status="saved"),
                name="application_anonymised_only_if_submitted",
            ),
            _max_length("cover_letter", TEXT_MAX, "application"),
            _max_length("notes", TEXT_MAX, "application"),
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
    def can_withdraw(self) -> bool:
        return self.status in IN_PROCESS

    def submit(self, *, by) -> None:
        if not self.listing.takes_applications:
            raise IllegalTransition("This listing is not taking applications.")
        self._move("submit", by=by, submitted_at=timezone.now())

    def start_review(self, *, by, note: str = "") -> None:
        self._move("start_review", by=by, reason=note)

    def invite_to_interview(self, *, by, note: str = "") -> None:
        self._move("invite_to_interview", by=by, reason=note)

    def make_offer(self, *, by, note: str = "") -> None:
        self._move("make_offer", by=by, reason=note)

    def accept_offer(self, *, by) -> None:
        self._move("accept_offer", by=by)

    def decline_offer(self, *, by) -> None:
        self._move("decline_offer", by=by)

    def mark_not_selected(self, *, by, note: str = "") -> None:
        self._move("mark_not_selected", by=by, reason=note)

    def withdraw(self, *, by) -> None:
        self._move("withdraw", by=by)


class ApplicationEvent(models.Model):
    """One state change of an application, shown on both sides' timelines."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    from_status = models.CharField(max_length=16, choices=Application.Status.choices)
    to_status = models.CharField(max_length=16, choices=Application.Status.choices)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.application}: {self.from_status} -> {self.to_status}"


class SavedSearch(models.Model):
    """A student's search, re-run by `send_search_alerts` to email what is new."""

    class Frequency(models.TextChoices):
        DAILY = "daily", "Daily email"
        WEEKLY = "weekly", "Weekly email"
        NEVER = "never", "No email"

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(max_length=120)
    query = models.CharField(
        max_length=2000, blank=True, help_text="The search page's parameters, URL-encoded."
    )
    frequency = models.CharField(max_length=8, choices=Frequency.choices, default=Frequency.DAILY)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Listings published after this moment are "new" for the next alert.
    alerted_up_to = models.DateTimeField(default=timezone.now)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "query"],
                name="savedsearch_once_per_student",
                violation_error_message="You already saved this search.",
            ),
            models.CheckConstraint(
                condition=models.Q(frequency__in=["daily", "weekly", "never"]),
                name="savedsearch_frequency_valid",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        url = reverse("listings:listing_list")
        return f"{url}?{self.query}" if self.query else url

    @property
    def interval(self) -> timedelta:
        return timedelta(days=1 if self.frequency == self.Frequency.DAILY else 7)


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


MESSAGE_MAX = 5000


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
            _max_length("body", MESSAGE_MAX, "applicationmessage"),
            models.CheckConstraint(condition=~models.Q(body=""), name="applicationmessage_body"),
        ]

    def __str__(self):
        return f"Message on {self.application}"


class LabInquiry(models.Model):
    """A student's message to a lab that is open to inquiries, relayed by email."""

    lab = models.ForeignKey(Lab, on_delete=models.CASCADE, related_name="inquiries")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lab_inquiries"
    )
    message = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "lab inquiries"
        indexes = [models.Index(fields=["student", "created_at"], name="labinquiry_student")]
        constraints = [
            _max_length("message", 2000, "labinquiry"),
            models.CheckConstraint(condition=~models.Q(message=""), name="labinquiry_message"),
        ]

    def __str__(self):
        return f"{self.student} -> {self.lab}"


class PendingListing(Listing):
    """The moderation queue in the admin: pending listings, oldest submission first."""

    class Meta:
        proxy = True
        verbose_name = "listing pending review"
        verbose_name_plural = "pending review"
