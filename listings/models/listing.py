"""Listings: a lab's opening, its states and history, and the reads over them."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Func
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone

from accounts.models import Program
from labjobs.states import StateEvent, StatefulModel
from listings.search.catalogue import SAMPLE_BUCKETS
from listings.search.snippets import strip_marks

from . import history
from .choices import (
    EDITABLE,
    TEXT_MAX,
    TITLE_MAX,
    ApplyMethod,
    Benefit,
    CloseReason,
    Compensation,
    ListingStatus,
    Schedule,
    WorkMode,
)
from .labs import Certification, Lab, RoleType
from .limits import WEB_URL, max_length
from .managers import ListingQuerySet
from .search_indexes import SEARCH_INDEXES
from .states import LISTING_MOVES

L = ListingStatus
# What a listing needs before it is submitted, in the form's order: (field, label).
REQUIRED_TO_SUBMIT = (
    ("role_types", "Role types"), ("description", "Description"),
    ("levels", "Student levels eligible"), ("compensation", "Compensation"),
    ("hours_min", "Hours per week (minimum)"), ("hours_max", "Hours per week (maximum)"),
    ("schedules", "Schedules"),
)  # fmt: skip
UNPUBLISHED = frozenset({L.DRAFT, L.PENDING, L.REJECTED})


class Listing(StatefulModel):
    Status = ListingStatus
    CloseReason = CloseReason
    machine = LISTING_MOVES
    event_parent_field = "listing"

    title = models.CharField(max_length=TITLE_MAX)
    lab = models.ForeignKey(Lab, on_delete=models.PROTECT, related_name="listings")
    role_types = models.ManyToManyField(RoleType, related_name="listings")
    # A draft may be incomplete (saving never loses work); the fields that a listing
    # needs before it is submitted are REQUIRED_TO_SUBMIT, and a CHECK holds every
    # listing outside the editable states to them.
    description = models.TextField(blank=True, help_text="Markdown.")
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
        verbose_name="student levels eligible", blank=True, default=list,
    )  # fmt: skip
    compensation = models.CharField(max_length=16, choices=Compensation.choices, blank=True)
    pay_rate = models.DecimalField(
        "pay rate (USD per hour)", max_digits=6, decimal_places=2, null=True, blank=True
    )
    hours_min = models.PositiveSmallIntegerField("hours per week (minimum)", null=True, blank=True)
    hours_max = models.PositiveSmallIntegerField("hours per week (maximum)", null=True, blank=True)
    schedules = ArrayField(
        models.CharField(max_length=16, choices=Schedule.choices), blank=True, default=list
    )
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
    # The required certifications' ids (migration 0027): "needs nothing more than
    # what I hold" is then a check of the row, not a look-up per listing.
    facet_certification_ids = ArrayField(models.BigIntegerField(), default=list, editable=False)
    # Each pair of adjacent words of the search vector, hashed (migration 0024): a
    # phrase's listings are found by their pairs, not by checking every listing that
    # has its words somewhere (search.query.phrase_filter).
    phrase_pairs = ArrayField(models.IntegerField(), null=True, blank=True, editable=False)
    # 0-1023 from a hash of the id: a fixed, random-like share of the listings. A large
    # search estimates its counts from the listings in its first buckets, found
    # together with its words by their indexes (search.counts).
    sample_bucket = models.GeneratedField(
        expression=Cast(
            Func(F("id"), function="hashint8", output_field=models.BigIntegerField()).bitand(
                SAMPLE_BUCKETS - 1
            ),
            models.SmallIntegerField(),
        ),
        output_field=models.SmallIntegerField(),
        db_persist=True,
    )

    objects = ListingQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        permissions = [("moderate_listing", "Can approve or reject listings")]
        indexes = [
            models.Index(fields=["status", "expires_at"], name="listing_status_expiry"),
            models.Index(fields=["status", "submitted_at"], name="listing_status_submitted"),
            # Titles alike (pg_trgm), for the duplicate check on submission.
            GinIndex(fields=["title"], opclasses=["gin_trgm_ops"], name="listing_title_trgm"),
            *SEARCH_INDEXES,
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
                condition=models.Q(compensation__in=Compensation.values)
                | models.Q(compensation="", status__in=sorted(EDITABLE)),
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
            # Complete unless still being edited (a draft, or a rejected listing):
            # what students and moderators see always has these.
            models.CheckConstraint(
                condition=models.Q(status__in=sorted(EDITABLE))
                | (
                    models.Q(levels__len__gte=1, schedules__len__gte=1)
                    & models.Q(hours_min__isnull=False, hours_max__isnull=False)
                    & ~models.Q(description="")
                    & ~models.Q(compensation="")
                ),
                name="listing_complete_unless_editable",
            ),
            models.CheckConstraint(condition=~models.Q(title=""), name="listing_title_not_blank"),
            models.CheckConstraint(
                condition=models.Q(status__in=sorted(UNPUBLISHED))
                | models.Q(published_at__isnull=False, expires_at__isnull=False),
                name="listing_published_has_dates",
            ),
            max_length("description", TEXT_MAX, "listing"),
            max_length("responsibilities", TEXT_MAX, "listing"),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        for field in ("title", "description", "responsibilities"):
            setattr(self, field, strip_marks(getattr(self, field)))
        self.skills = [strip_marks(skill) for skill in self.skills]

    def get_absolute_url(self):
        return reverse("listings:listing_detail", kwargs={"pk": self.pk})

    # -- reads (is_<state> and can_<move> come from LISTING_MOVES) ----------
    @property
    def is_editable(self) -> bool:
        """Draft or rejected: students cannot see it, so its lab may change it."""
        return self.status in EDITABLE

    @property
    def is_unpublished(self) -> bool:
        """Not yet public: a draft, pending review, or rejected."""
        return self.status in UNPUBLISHED

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
    def role_names(self) -> list[str]:
        """Its role types' names, in admin order: as a search page named them from
        its ids (the catalogue's names: no query for a page's role types), else its
        role types (prefetched by with_card_data)."""
        named = self.__dict__.get("_role_names")
        return named if named is not None else [role.name for role in self.role_types.all()]

    @role_names.setter
    def role_names(self, names: list[str]) -> None:
        self.__dict__["_role_names"] = names

    @property
    def hours_label(self) -> str:
        if self.hours_min is None or self.hours_max is None:
            return "Hours not set yet"
        if self.hours_min == self.hours_max:
            return f"{self.hours_min} h/week"
        return f"{self.hours_min}–{self.hours_max} h/week"

    @property
    def benefit_labels(self) -> list[str]:
        return [Benefit(value).label for value in self.benefits]

    def missing_to_submit(self) -> list[tuple[str, str]]:
        """(field, label) of what this listing still needs before it can be submitted,
        in the form's order; empty when complete. Role types are counted in the
        database, so an unsaved listing has none."""
        has_roles = self.pk is not None and self.role_types.exists()
        present = {
            "role_types": has_roles, "description": bool(self.description.strip()),
            "levels": bool(self.levels), "compensation": bool(self.compensation),
            "hours_min": self.hours_min is not None, "hours_max": self.hours_max is not None,
            "schedules": bool(self.schedules),
        }  # fmt: skip
        return [(name, label) for name, label in REQUIRED_TO_SUBMIT if not present[name]]

    # -- moves with more than a status change (the others come from LISTING_MOVES) --
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

    def approve(self, *, by, reason: str = "") -> None:
        self._move(
            "approve", by=by, reason=reason, rejection_reason="", **self._publication_dates()
        )

    def reject(self, *, by, reason: str) -> None:
        self._move("reject", by=by, reason=reason, rejection_reason=(reason or "").strip())

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


class ListingEvent(StateEvent):
    """One change of a listing: who, from, to, why, when (edits too)."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=16, choices=Listing.Status.choices)
    to_status = models.CharField(max_length=16, choices=Listing.Status.choices)

    @property
    def sentence(self) -> str:
        """The event in plain words: "Sam Rivera changed the deadline and the title"."""
        return history.sentence(self)


class PendingListing(Listing):
    """The moderation queue in the admin: pending listings, oldest submission first."""

    class Meta:
        proxy = True
        verbose_name = "listing pending review"
        verbose_name_plural = "pending review"
