"""factory_boy factories, one subclass per listing state."""

from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.models import LabStaffProfile, Membership, Program, StudentProfile, User
from listings.models import (
    Application,
    Compensation,
    Institution,
    Interview,
    Lab,
    Listing,
    RoleType,
    SavedSearch,
    Schedule,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.edu")
    role = User.Role.STUDENT
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save()

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        """A confirmed address, as after clicking the emailed link (pass
        `verified_email=False` for an account that has not yet)."""
        if create:
            EmailAddress.objects.create(
                user=self, email=self.email, primary=True, verified=extracted is not False
            )


class StudentFactory(UserFactory):
    profile = factory.RelatedFactory(
        "tests.support.factories.StudentProfileFactory", factory_related_name="user"
    )


class StudentProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StudentProfile

    user = factory.SubFactory(UserFactory)
    program = Program.MS1
    graduation_year = 2029


class AdminFactory(UserFactory):
    is_staff = True
    is_superuser = True


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"University {n}")
    slug = factory.Sequence(lambda n: f"university-{n}")


class LabFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lab

    name = factory.Sequence(lambda n: f"Lab {n}")
    slug = factory.Sequence(lambda n: f"lab-{n}")
    institution = factory.SubFactory(InstitutionFactory)
    city = "Boston"
    region = "MA"


class LabStaffFactory(UserFactory):
    """A verified lab staff user; pass `profile__lab=` to choose the lab."""

    role = User.Role.LAB_STAFF
    profile = factory.RelatedFactory(
        "tests.support.factories.LabStaffProfileFactory", factory_related_name="user"
    )


class LabStaffProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LabStaffProfile

    user = factory.SubFactory(UserFactory, role=User.Role.LAB_STAFF)
    lab = factory.SubFactory(LabFactory)
    title = "Lab manager"
    status = Membership.ACTIVE


def role_type(slug: str = "research-assistant") -> RoleType:
    """A seeded role type (the data migration creates them)."""
    return RoleType.objects.get(slug=slug)


class ListingFactory(factory.django.DjangoModelFactory):
    """A draft listing; the subclasses below are the other states."""

    class Meta:
        model = Listing
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Research Assistant position {n}")
    lab = factory.SubFactory(LabFactory)
    description = "Help with **sample processing** and data collection."
    responsibilities = "- Process samples\n- Enter data"
    skills = ["attention to detail", "teamwork"]
    levels = [Program.PRE_MED, Program.MS1]
    compensation = Compensation.VOLUNTEER
    pay_rate = None
    hours_min = 6
    hours_max = 10
    schedules = [Schedule.WEEKDAYS]
    status = Listing.Status.DRAFT

    @factory.post_generation
    def role_types(self, create, extracted, **kwargs):
        if create:
            self.role_types.set(extracted if extracted is not None else [role_type()])


class PendingListingFactory(ListingFactory):
    status = Listing.Status.PENDING
    submitted_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=3))


class RejectedListingFactory(ListingFactory):
    status = Listing.Status.REJECTED
    submitted_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    rejection_reason = "Please state the hourly rate."


class PublishedListingFactory(ListingFactory):
    status = Listing.Status.PUBLISHED
    submitted_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=2))
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))


class PastExpiryListingFactory(PublishedListingFactory):
    """Still `published`, but past its expiry date (the expiry job has not run yet)."""

    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=70))
    expires_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))


class ClosedListingFactory(PublishedListingFactory):
    status = Listing.Status.CLOSED


class ExpiredListingFactory(PastExpiryListingFactory):
    status = Listing.Status.EXPIRED


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A saved application (a bookmark); SubmittedApplicationFactory for a sent one."""

    class Meta:
        model = Application

    student = factory.SubFactory(StudentFactory)
    listing = factory.SubFactory(PublishedListingFactory)


class SubmittedApplicationFactory(ApplicationFactory):
    status = Application.Status.SUBMITTED
    submitted_at = factory.LazyFunction(timezone.now)
    cover_letter = "I would love to process samples in your lab."
    cv = factory.django.FileField(filename="cv.pdf", data=b"%PDF-1.4\n1 0 obj\n%%EOF\n")
    cv_filename = "cv.pdf"


class InterviewFactory(factory.django.DjangoModelFactory):
    """An invitation for next week (the application moved to "interview" is the
    caller's choice: the factory leaves its status alone)."""

    class Meta:
        model = Interview

    application = factory.SubFactory(SubmittedApplicationFactory)
    starts_at = factory.LazyFunction(
        lambda: timezone.now().replace(microsecond=0) + timedelta(days=7)
    )
    duration_minutes = 45
    place = "Room 4.12, Biomedical Research Building"
    details = "Bring a copy of your CV."


class SavedSearchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SavedSearch

    student = factory.SubFactory(StudentFactory)
    name = "Phlebotomy"
    query = "q=phlebotomy"


def student_who_applied(client, listing=None):
    """A student with a profile CV, signed in on `client`, who has just sent an
    application to `listing` (a new published one by default); returns (student,
    the response to sending it)."""
    from django.urls import reverse

    from tests.support.files import pdf

    student = StudentFactory()
    profile = student.student_profile
    profile.cv.save("cv.pdf", pdf(), save=False)
    profile.cv_filename = "cv.pdf"
    profile.save()
    listing = listing or PublishedListingFactory()
    client.force_login(student)
    response = client.post(
        reverse("listings:application_apply", args=[listing.pk]),
        {"cover_letter": "I would like to join.", "cv_choice": "profile", "action": "submit"},
    )
    return student, response


def signup_fields(email: str, **extra) -> dict:
    """What a student types on the sign-up page."""
    return {
        "first_name": "Ana", "last_name": "Ruiz", "email": email,
        "password1": "a long new passphrase", "password2": "a long new passphrase",
        "program": "ms1", **extra,
    }  # fmt: skip
