"""The lab's side of applicants: program and year, the certifications they lack named,
a 1-5 rating and notes shared among the lab's staff and never shown to the student,
the previous and next applicant, and the bulk decision behind a confirmation."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import StudentCertification
from listings.models import ApplicantReview, Certification
from tests.support.factories import (
    LabStaffFactory,
    PublishedListingFactory,
    SubmittedApplicationFactory,
)

pytestmark = pytest.mark.django_db
SECRET = "Weak pipetting in the interview; prefer the other candidate"


@pytest.fixture
def listing(lab):
    listing = PublishedListingFactory(lab=lab, title="Flow cytometry RA")
    listing.certifications.set(Certification.objects.filter(slug__in=["bls-cpr", "hipaa"]))
    return listing


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def review_url(application) -> str:
    return reverse("listings:manage_applicant_review", args=[application.pk])


def test_the_list_shows_program_year_and_the_certifications_lacking(lab_staff, listing):
    application = SubmittedApplicationFactory(listing=listing)
    profile = application.student.student_profile
    profile.graduation_year = 2029
    profile.save()
    StudentCertification.objects.create(
        profile=profile, certification=Certification.objects.get(slug="bls-cpr")
    )
    page = logged_in(lab_staff).get(reverse("listings:manage_applicants", args=[listing.pk]))
    content = page.content.decode()
    assert profile.get_program_display() in content and "class of 2029" in content
    hipaa = Certification.objects.get(slug="hipaa").name
    assert f"1 of 2; lacks {hipaa}" in content


def test_rating_and_notes_are_shared_by_the_labs_staff_and_hidden_from_the_student(
    lab, lab_staff, listing
):
    application = SubmittedApplicationFactory(listing=listing)
    staff = logged_in(lab_staff)
    response = staff.post(review_url(application), {"rating": "2", "notes": SECRET})
    assert response.status_code == 302
    review = ApplicantReview.objects.get(application=application)
    assert (review.rating, review.notes, review.updated_by) == (2, SECRET, lab_staff)

    colleague = logged_in(LabStaffFactory(profile__lab=lab))
    detail = colleague.get(reverse("listings:manage_applicant", args=[application.pk]))
    assert SECRET in detail.content.decode()
    listed = colleague.get(reverse("listings:manage_applicants", args=[listing.pk]))
    assert "2 of 5" in listed.content.decode()

    student = logged_in(application.student)
    for url in (
        reverse("listings:application_detail", args=[application.pk]),
        reverse("listings:application_list"),
        listing.get_absolute_url(),
    ):
        page = student.get(url)
        assert page.status_code == 200, url
        assert SECRET not in page.content.decode(), url
    # The student cannot post one either.
    assert student.post(review_url(application), {"rating": "5"}).status_code in (302, 403)
    review.refresh_from_db()
    assert review.rating == 2


def test_another_labs_staff_can_neither_read_nor_write_the_review(listing):
    application = SubmittedApplicationFactory(listing=listing)
    ApplicantReview.objects.create(application=application, rating=4, notes=SECRET)
    other = logged_in(LabStaffFactory())  # staff of another lab
    assert other.post(review_url(application), {"rating": "1"}).status_code == 404
    assert ApplicantReview.objects.get(application=application).rating == 4


def test_a_rating_outside_1_to_5_is_refused_by_the_form_and_the_database(lab_staff, listing):
    application = SubmittedApplicationFactory(listing=listing)
    logged_in(lab_staff).post(review_url(application), {"rating": "9", "notes": "x"})
    assert not ApplicantReview.objects.filter(application=application).exists()
    with pytest.raises(IntegrityError), transaction.atomic():
        ApplicantReview.objects.create(application=application, rating=6)


def test_previous_and_next_applicant_newest_first(lab_staff, listing):
    now = timezone.now()
    oldest, middle, newest = (
        SubmittedApplicationFactory(listing=listing, submitted_at=now - timedelta(days=d))
        for d in (3, 2, 1)
    )
    page = logged_in(lab_staff).get(reverse("listings:manage_applicant", args=[middle.pk]))
    assert (page.context["previous_id"], page.context["next_id"]) == (newest.pk, oldest.pk)
    assert page.context["position"] == (2, 3)
    first = logged_in(lab_staff).get(reverse("listings:manage_applicant", args=[newest.pk]))
    assert first.context["previous_id"] is None
