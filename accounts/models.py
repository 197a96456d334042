"""Users log in by email and are students or lab staff; admins are `is_admin`
(Django's `is_staff`). Lab and certification rows are referenced by name only:
accounts imports no other app of LabJobs."""

import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from labjobs.states import LAB, Move, StateEvent, StatefulModel, StateMachine

from .identity import email_key


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, email):
        # One account per address whatever its spelling: "Ana@Uni.edu", "ana@uni.edu"
        # and "ａna@uni.edu" find the same account (accounts/identity.py).
        return self.get(email_key=email_key(email))

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).strip(), **extra_fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if not extra_fields["is_staff"] or not extra_fields["is_superuser"]:
            raise ValueError("A superuser must have is_staff and is_superuser set.")
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    class Role(models.TextChoices):
        STUDENT = "student", "Student"
        LAB_STAFF = "lab_staff", "Lab staff"

    username = None
    email = models.EmailField("email address", max_length=254, unique=True)
    # The comparison key of `email` (accounts/identity.py), kept in step by save().
    email_key = models.CharField(max_length=254, unique=True, editable=False)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.STUDENT)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="user_email_unique_ci",
                violation_error_message="An account with this email address already exists.",
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=["student", "lab_staff"]), name="user_role_valid"
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.email

    def clean(self):
        super().clean()
        self.email_key = email_key(self.email)
        taken = User.objects.filter(email_key=self.email_key).exclude(pk=self.pk)
        if self.email and taken.exists():
            raise ValidationError({"email": "An account with this email address already exists."})

    def save(self, *args, **kwargs):
        # A derived column, not domain logic: every write path (allauth, the admin,
        # createsuperuser, an email change confirmed) keeps the key in step.
        self.email_key = email_key(self.email)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "email" in update_fields:
            kwargs["update_fields"] = {*update_fields, "email_key"}
        super().save(*args, **kwargs)

    # "Admin" and "lab staff" are different people: Django's `is_staff` means "may use
    # /admin/" (moderators, superusers) and is read here as `is_admin`; `is_lab_staff`
    # means "works in a lab and posts its openings".
    @property
    def is_admin(self) -> bool:
        return self.is_staff

    @property
    def is_student(self) -> bool:
        # Admins are not students, whatever their role field says: the role defaults
        # to student for accounts made with createsuperuser.
        return self.role == self.Role.STUDENT and not self.is_admin

    @property
    def is_lab_staff(self) -> bool:
        return self.role == self.Role.LAB_STAFF and not self.is_admin


class Program(models.TextChoices):
    """A student's program; listings use the same values for the levels they accept."""

    PRE_MED = "pre_med", "Pre-med undergraduate"
    MS1 = "ms1", "Medical student, year 1 (MS1)"
    MS2 = "ms2", "Medical student, year 2 (MS2)"
    MS3 = "ms3", "Medical student, year 3 (MS3)"
    MS4 = "ms4", "Medical student, year 4 (MS4)"
    MD_PHD = "md_phd", "MD/PhD"
    PA = "pa", "Physician assistant (PA)"
    LAB_SCIENCE = "lab_science", "Lab-science student"


def cv_storage_name(instance, filename: str) -> str:
    """A storage name nobody can guess; the uploaded file's own name is kept apart."""
    return f"cvs/{secrets.token_urlsafe(24)}.pdf"


class StudentProfileQuerySet(models.QuerySet):
    def for_match(self, user_id) -> "StudentProfile | None":
        """The student's profile with the certifications held, ready for
        `certification_match` (None if the student has no profile yet)."""
        return self.prefetch_related("held_certifications").filter(user_id=user_id).first()


class StudentProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="student_profile"
    )
    program = models.CharField(max_length=16, choices=Program.choices)
    graduation_year = models.PositiveSmallIntegerField(null=True, blank=True)
    skills = ArrayField(
        models.CharField(max_length=80),
        blank=True,
        default=list,
        help_text="Comma-separated, e.g. pipetting, REDCap, phlebotomy.",
    )
    certifications = models.ManyToManyField(
        "listings.Certification", through="StudentCertification", blank=True, related_name="+"
    )
    cv = models.FileField("CV", upload_to=cv_storage_name, blank=True, max_length=200)
    cv_filename = models.CharField("CV file name", max_length=200, blank=True)
    cv_uploaded_at = models.DateTimeField(null=True, blank=True)
    # What recommendations fit to (both optional): how much time, and where.
    hours_per_week = models.PositiveSmallIntegerField(
        "hours a week you can give", null=True, blank=True,
        help_text="We recommend positions that ask for no more.",
    )  # fmt: skip
    city = models.CharField(
        "city you study in", max_length=100, blank=True,
        help_text="We recommend positions there first.",
    )  # fmt: skip

    objects = StudentProfileQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(graduation_year__isnull=True)
                | models.Q(graduation_year__gte=1950, graduation_year__lte=2100),
                name="studentprofile_graduation_year_range",
            ),
            models.CheckConstraint(
                condition=models.Q(program__in=Program.values), name="studentprofile_program_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(hours_per_week__isnull=True)
                | models.Q(hours_per_week__gte=1, hours_per_week__lte=80),
                name="studentprofile_hours_per_week_range",
                violation_error_message="Hours a week are 1 to 80.",
            ),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_program_display()})"

    def certification_match(self, listing) -> "CertificationMatch":
        """Which of `listing`'s required certifications this student holds, lacks, or
        holds but sees expire before the listing starts (or before today)."""
        held = {held.certification_id: held.expires_on for held in self.held_certifications.all()}
        return CertificationMatch.build(listing, held)


class StudentCertification(models.Model):
    """A certification a student holds, with its expiry date (if it has one)."""

    profile = models.ForeignKey(
        StudentProfile, on_delete=models.CASCADE, related_name="held_certifications"
    )
    certification = models.ForeignKey(
        "listings.Certification", on_delete=models.PROTECT, related_name="+"
    )
    expires_on = models.DateField(null=True, blank=True, help_text="Empty: does not expire.")

    class Meta:
        ordering = ["certification__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "certification"],
                name="studentcertification_once",
                violation_error_message="You already listed this certification.",
            )
        ]

    def __str__(self):
        return f"{self.certification} (until {self.expires_on or 'no expiry'})"


class CertificationMatch:
    """The student's side of a listing's required certifications ("you meet 3 of 4")."""

    def __init__(self, *, met, lacking, expiring):
        self.met = met  # [Certification]
        self.lacking = lacking  # [Certification]
        self.expiring = expiring  # [(Certification, expires_on)]: held, expire too soon

    @classmethod
    def build(cls, listing, held: dict) -> "CertificationMatch":
        # A certification must still be valid on the day the position starts (or
        # today, for "as soon as possible").
        needed_until = max(filter(None, [listing.start_date, timezone.localdate()]))
        met, lacking, expiring = [], [], []
        for certification in listing.certifications.all():
            if certification.pk not in held:
                lacking.append(certification)
            elif held[certification.pk] is not None and held[certification.pk] < needed_until:
                expiring.append((certification, held[certification.pk]))
            else:
                met.append(certification)
        return cls(met=met, lacking=lacking, expiring=expiring)

    @property
    def required(self) -> int:
        return len(self.met) + len(self.lacking) + len(self.expiring)

    @property
    def meets_all(self) -> bool:
        return len(self.met) == self.required


class Membership(models.TextChoices):
    """Where someone stands with the lab they joined at sign-up."""

    REQUESTED = "requested", "Asked to join"  # a listed lab, from an address outside its domains
    UNCONFIRMED = "unconfirmed", "Not confirmed"  # on the lab's domain, address not yet confirmed;
    # or the founder of a new lab that an admin has not approved yet
    ACTIVE = "active", "Staff"
    DECLINED = "declined", "Declined"
    REMOVED = "removed", "Removed"


_M = Membership
# Who may make these moves (the lab's active staff, a moderator, the system when an
# address on the lab's domain is confirmed) is checked by listings.services.labs.
MEMBERSHIP_MOVES = StateMachine(
    Move("approve", frozenset({_M.REQUESTED, _M.UNCONFIRMED}), _M.ACTIVE, "approve", LAB,
         "Approve"),
    Move("decline", frozenset({_M.REQUESTED}), _M.DECLINED, "decline", LAB, "Decline"),
    Move("remove", frozenset({_M.ACTIVE, _M.UNCONFIRMED}), _M.REMOVED, "remove", LAB, "Remove"),
)  # fmt: skip


class LabStaffProfile(StatefulModel):
    """Someone's membership of a lab. Only an active member of an approved lab is its
    staff: sees its listings and applicants and acts for it. Joining a listed lab from
    an address outside its email domains is a request its staff (or a moderator)
    approve; every change is a LabStaffEvent."""

    Status = Membership
    machine = MEMBERSHIP_MOVES
    event_parent_field = "profile"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lab_staff_profile"
    )
    # A lab with staff cannot be deleted out from under them (and their listings).
    lab = models.ForeignKey("listings.Lab", on_delete=models.PROTECT, related_name="staff")
    title = models.CharField(max_length=120, blank=True, help_text="e.g. Lab manager, PI")
    status = models.CharField(
        max_length=16, choices=Membership.choices, default=Membership.REQUESTED
    )
    # The lab's staff were told of the request (once, when the address was confirmed).
    request_announced_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "lab staff profile"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=Membership.values),
                name="labstaffprofile_status_valid",
            )
        ]

    def __str__(self):
        return f"{self.user} ({self.lab})"

    @property
    def is_lab_staff(self) -> bool:
        """Staff of the lab now: an active member of an approved lab."""
        return self.is_active and self.lab.approved


class LabStaffEvent(StateEvent):
    """One change of a membership: who asked, approved, declined or removed, and when."""

    profile = models.ForeignKey(LabStaffProfile, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=16, choices=Membership.choices)
    to_status = models.CharField(max_length=16, choices=Membership.choices)
