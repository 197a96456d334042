"""Each database constraint, violated directly (bypassing forms), raises IntegrityError."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from listings.models import TEXT_MAX, Lab, Listing
from tests.support.factories import (
    ApplicationFactory,
    LabFactory,
    LabStaffProfileFactory,
    ListingFactory,
    PendingListingFactory,
    PublishedListingFactory,
)

pytestmark = pytest.mark.django_db


def _violates(**changes):
    listing = ListingFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Listing.objects.filter(pk=listing.pk).update(**changes)


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"hours_min": 12, "hours_max": 8}, id="hours-min-above-max"),
        pytest.param({"hours_min": 0}, id="hours-min-zero"),
        pytest.param({"hours_max": 81}, id="hours-max-over-80"),
        pytest.param({"openings": 0}, id="openings-zero"),
        pytest.param({"compensation": "volunteer", "pay_rate": Decimal("15")}, id="pay-unpaid"),
        pytest.param({"compensation": "paid", "pay_rate": None}, id="paid-without-rate"),
        pytest.param({"compensation": "paid", "pay_rate": Decimal("0")}, id="paid-zero-rate"),
        pytest.param({"compensation": "barter"}, id="unknown-compensation"),
        pytest.param({"work_mode": "moon"}, id="unknown-work-mode"),
        pytest.param({"status": "archived"}, id="unknown-status"),
        pytest.param({"status": "published"}, id="published-without-dates"),
        pytest.param({"apply_method": "external", "apply_url": ""}, id="external-without-link"),
        pytest.param({"apply_method": "labjobs", "apply_url": "https://x.org"}, id="link-unused"),
        pytest.param(
            {"apply_method": "external", "apply_url": "javascript:alert(1)"}, id="script-link"
        ),
        pytest.param({"title": ""}, id="blank-title"),
        pytest.param({"description": "x" * (TEXT_MAX + 1)}, id="description-too-long"),
        pytest.param({"responsibilities": "x" * (TEXT_MAX + 1)}, id="responsibilities-too-long"),
    ],
)
def test_listing_constraint(changes):
    _violates(**changes)


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"levels": []}, id="no-levels"),
        pytest.param({"schedules": []}, id="no-schedules"),
        pytest.param({"hours_min": None}, id="no-hours"),
        pytest.param({"description": ""}, id="no-description"),
        pytest.param({"compensation": ""}, id="no-compensation"),
    ],
)
def test_only_a_listing_being_edited_may_be_incomplete(changes):
    """A draft keeps whatever was typed; a listing that moderators or students see has
    everything (the CHECK listing_complete_unless_editable)."""
    draft = ListingFactory()
    Listing.objects.filter(pk=draft.pk).update(**changes)  # accepted
    pending = PendingListingFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Listing.objects.filter(pk=pending.pk).update(**changes)


def test_valid_paid_listing_is_accepted():
    listing = ListingFactory(compensation="paid", pay_rate=Decimal("18.50"))
    listing.full_clean()  # the model's validation agrees with the database
    stored = Listing.objects.values_list("compensation", "pay_rate").get(pk=listing.pk)
    assert stored == ("paid", Decimal("18.50"))


def test_one_application_per_student_and_listing():
    application = ApplicationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ApplicationFactory(student=application.student, listing=application.listing)


def test_submitted_application_needs_its_date():
    application = ApplicationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        type(application).objects.filter(pk=application.pk).update(status="submitted")


def test_cover_letter_length_is_capped_in_the_database():
    application = ApplicationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        type(application).objects.filter(pk=application.pk).update(
            cover_letter="x" * (TEXT_MAX + 1)
        )


def test_lab_name_unique_within_its_institution():
    lab = LabFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        LabFactory(name=lab.name, institution=lab.institution)


def test_deleting_a_listing_with_applications_is_refused():
    application = ApplicationFactory()
    with pytest.raises(ProtectedError):
        application.listing.delete()
    assert Listing.objects.filter(pk=application.listing.pk).exists()


def test_deleting_a_student_with_applications_is_refused():
    application = ApplicationFactory()
    with pytest.raises(ProtectedError):
        application.student.delete()


def test_deleting_a_lab_with_listings_or_staff_is_refused():
    listing = PublishedListingFactory()
    with pytest.raises(ProtectedError):
        listing.lab.delete()
    profile = LabStaffProfileFactory()
    with pytest.raises(ProtectedError):
        profile.lab.delete()
    assert Lab.objects.filter(pk=profile.lab.pk).exists()


def test_deleting_an_institution_with_labs_is_refused():
    lab = LabFactory()
    with pytest.raises(ProtectedError):
        lab.institution.delete()


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://lab.example.edu/apply", "data:,x"])
def test_links_must_be_web_addresses_in_forms_too(url):
    from django.core.exceptions import ValidationError

    listing = ListingFactory.build(apply_method="external", apply_url=url)
    with pytest.raises(ValidationError) as caught:
        listing.full_clean(exclude=["lab"])
    assert "apply_url" in caught.value.message_dict
    lab = LabFactory.build(website=url)
    with pytest.raises(ValidationError) as caught:
        lab.full_clean(exclude=["institution"])
    assert "website" in caught.value.message_dict
