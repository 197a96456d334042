"""Labs and the catalogue they post against: institutions, role types,
certifications, and the search synonyms admins keep."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from .choices import TEXT_MAX
from .limits import WEB_URL, max_length


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
            max_length("description", TEXT_MAX, "lab"),
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
