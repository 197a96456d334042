"""Recommendations on a student's home page (every reason true; nothing closed,
expired, past its deadline, beyond the student's certifications, level or hours, or
already saved or applied to) and similar open listings on a listing's page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Program, StudentCertification
from listings.models import Certification
from listings.recommendations import recommended_for
from tests.support.factories import (
    ApplicationFactory,
    ClosedListingFactory,
    LabFactory,
    PastExpiryListingFactory,
    PublishedListingFactory,
    StudentFactory,
    SubmittedApplicationFactory,
    role_type,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def student():
    student = StudentFactory(profile__program=Program.MS1)
    profile = student.student_profile
    profile.hours_per_week, profile.city = 10, "Boston"
    profile.save()
    bls = Certification.objects.get(slug="bls-cpr")
    StudentCertification.objects.create(profile=profile, certification=bls)
    return student


def test_recommendations_fit_the_profile_and_say_why(student):
    phlebotomist = role_type("phlebotomist")
    bls = Certification.objects.get(slug="bls-cpr")
    hipaa = Certification.objects.get(slug="hipaa")
    chicago = LabFactory(city="Chicago", region="IL")
    saved = ApplicationFactory(
        student=student,
        listing=PublishedListingFactory(title="Weekend phlebotomist", role_types=[phlebotomist]),
    )
    best = PublishedListingFactory(title="Clinic phlebotomist", role_types=[phlebotomist])
    best.certifications.set([bls])
    other = PublishedListingFactory(title="Data entry RA", lab=chicago)
    unfit = {
        "lacks a certification": PublishedListingFactory(),
        "another level": PublishedListingFactory(levels=[Program.MS3]),
        "too many hours": PublishedListingFactory(hours_min=20, hours_max=25),
        "closed": ClosedListingFactory(),
        "expired": PastExpiryListingFactory(),
        "deadline passed": PublishedListingFactory(
            deadline=timezone.localdate() - timedelta(days=1)
        ),
        "applied": SubmittedApplicationFactory(
            student=student, listing__role_types=[role_type("lab-technician")]
        ).listing,
    }
    unfit["lacks a certification"].certifications.set([hipaa])

    recommendations = recommended_for(student)

    titles = [r.listing.title for r in recommendations]
    assert titles == ["Clinic phlebotomist", "Data entry RA"]
    assert saved.listing.title not in titles
    assert not {listing.title for listing in unfit.values()} & set(titles)
    assert recommendations[0].reasons == [
        "like “Weekend phlebotomist”, which you saved",
        "in Boston",
        "you hold BLS/CPR",
        "fits 10 h a week",
        "open to MS1",
    ]
    assert recommendations[1].reasons == ["fits 10 h a week", "open to MS1"]
    assert other.lab.city == "Chicago"


def test_the_home_page_shows_them_in_a_fixed_number_of_queries(
    client, student, django_assert_max_num_queries
):
    for n in range(12):
        PublishedListingFactory(title=f"Histology aide {n}")
    client.force_login(student)

    with django_assert_max_num_queries(16):
        content = client.get(reverse("listings:home")).content.decode()

    assert "For you" in content and content.count('class="reasons"') == 6
    assert "In Boston · fits 10 h a week · open to MS1" in content


def test_no_profile_fit_says_what_to_add_and_visitors_see_no_section(client, student):
    PublishedListingFactory(levels=[Program.MS4])
    client.force_login(student)
    assert "Nothing open fits your profile right now" in client.get("/").content.decode()
    client.logout()
    assert "For you" not in client.get("/").content.decode()


def test_a_closed_listing_points_to_similar_open_ones(client):
    phlebotomist = role_type("phlebotomist")
    closed = ClosedListingFactory(title="Phlebotomist, night shift", role_types=[phlebotomist])
    alike = PublishedListingFactory(title="Phlebotomist, day shift", role_types=[phlebotomist])
    PublishedListingFactory(title="Bioinformatics RA")  # another role type
    ClosedListingFactory(title="Phlebotomist, closed too", role_types=[phlebotomist])

    response = client.get(closed.get_absolute_url())

    assert [listing.title for listing in response.context["similar"]] == [alike.title]
    assert "Open listings like this one" in response.content.decode()
