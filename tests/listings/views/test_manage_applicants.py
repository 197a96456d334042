"""The applicant pipeline: list, filter, sort, moves, messages both ways, bulk "not
selected", recorded CV downloads, and a CSV export that spreadsheets cannot run."""

import csv
import io

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import StudentCertification
from listings.models import ApplicationMessage, Certification
from listings.views.downloads import safe_csv_row
from tests.support.factories import (
    ApplicationFactory,
    LabStaffFactory,
    PublishedListingFactory,
    StudentFactory,
    SubmittedApplicationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def listing(lab):
    listing = PublishedListingFactory(lab=lab, title="Flow cytometry RA")
    listing.certifications.set(Certification.objects.filter(slug__in=["bls-cpr", "hipaa"]))
    return listing


@pytest.fixture
def staff_client(client, lab_staff):
    client.force_login(lab_staff)
    return client


def test_applicants_with_status_date_and_match_in_constant_queries(
    staff_client, listing, django_assert_max_num_queries
):
    for n in range(6):
        application = SubmittedApplicationFactory(listing=listing, student__first_name=f"S{n}")
        StudentCertification.objects.create(
            profile=application.student.student_profile,
            certification=Certification.objects.get(slug="bls-cpr"),
        )
    ApplicationFactory(listing=listing)  # saved only: not an applicant
    url = reverse("listings:manage_applicants", args=[listing.pk])

    with django_assert_max_num_queries(10):
        response = staff_client.get(url)

    content = response.content.decode()
    assert len(response.context["applications"]) == 6
    assert content.count("1 of 2") == 6


def test_filter_and_sort_by_status(staff_client, listing):
    first = SubmittedApplicationFactory(listing=listing)
    second = SubmittedApplicationFactory(listing=listing)
    second.invite_to_interview(by=None)
    url = reverse("listings:manage_applicants", args=[listing.pk])

    only_interview = staff_client.get(url, {"status": "interview"}).context["applications"]
    oldest = staff_client.get(url, {"sort": "oldest"}).context["applications"]
    bad = staff_client.get(url, {"status": "bogus", "sort": "nonsense"})

    assert only_interview == [second]
    assert oldest == [first, second]
    assert bad.status_code == 200 and len(bad.context["applications"]) == 2


def test_a_move_emails_the_student_and_its_note_shows_in_their_conversation(
    staff_client, listing, client, lab_staff, django_capture_on_commit_callbacks
):
    application = SubmittedApplicationFactory(listing=listing)

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("listings:manage_applicant_move", args=[application.pk]),
            {"move": "start_review", "note": "We are reading every letter this week."},
        )

    application.refresh_from_db()
    assert application.status == "reviewing"
    [message] = mail.outbox
    assert message.to == [application.student.email]
    lab_page = staff_client.get(reverse("listings:manage_applicant", args=[application.pk]))
    assert f"under review by {lab_staff.email}" in lab_page.content.decode()
    assert "by you" not in lab_page.content.decode()
    client.force_login(application.student)
    page = client.get(reverse("listings:application_detail", args=[application.pk]))
    assert "We are reading every letter this week." in page.content.decode()


def test_an_invitation_is_not_a_bare_move(staff_client, listing):
    """Inviting needs a date, a time and a place: the plain move form does not offer it."""
    application = SubmittedApplicationFactory(listing=listing)

    staff_client.post(
        reverse("listings:manage_applicant_move", args=[application.pk]),
        {"move": "invite_to_interview", "note": "Tuesday?"},
    )

    application.refresh_from_db()
    assert application.status == "submitted"


def test_illegal_move_is_a_message_not_an_error(staff_client, listing):
    application = SubmittedApplicationFactory(listing=listing)
    application.withdraw(by=application.student)

    response = staff_client.post(
        reverse("listings:manage_applicant_move", args=[application.pk]),
        {"move": "make_offer"},
        follow=True,
    )

    assert "Cannot make an offer on" in response.content.decode()
    application.refresh_from_db()
    assert application.status == "withdrawn"


def test_messages_go_both_ways_by_email(
    staff_client, listing, lab_staff, client, django_capture_on_commit_callbacks
):
    application = SubmittedApplicationFactory(listing=listing)
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("listings:manage_applicant_message", args=[application.pk]),
            {"body": "Can you start in January?"},
        )
    client.force_login(application.student)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("listings:application_message", args=[application.pk]),
            {"body": "Yes, from January 8."},
        )

    to_student, to_lab = mail.outbox
    assert to_student.to == [application.student.email]
    assert "Can you start in January?" in to_student.body
    assert to_lab.to == [lab_staff.email]
    assert "Yes, from January 8." in to_lab.body
    assert [(m.from_lab, m.body) for m in ApplicationMessage.objects.all()] == [
        (True, "Can you start in January?"),
        (False, "Yes, from January 8."),
    ]
    page = client.get(reverse("listings:application_detail", args=[application.pk]))
    assert "Can you start in January?" in page.content.decode()


def test_empty_or_over_long_message_is_refused(staff_client, listing):
    application = SubmittedApplicationFactory(listing=listing)
    url = reverse("listings:manage_applicant_message", args=[application.pk])
    for body in ("   ", "x" * 5001):
        response = staff_client.post(url, {"body": body}, follow=True)
        assert "empty or too long" in response.content.decode()
    assert not ApplicationMessage.objects.exists()


def test_bulk_not_selected_with_one_message(
    staff_client, listing, django_capture_on_commit_callbacks
):
    chosen = [SubmittedApplicationFactory(listing=listing) for _ in range(3)]
    kept = SubmittedApplicationFactory(listing=listing)
    offered = SubmittedApplicationFactory(listing=listing)
    offered.make_offer(by=None)
    elsewhere = SubmittedApplicationFactory()  # another lab's: ignored even if posted

    with django_capture_on_commit_callbacks(execute=True):
        asked = staff_client.post(
            reverse("listings:manage_not_selected", args=[listing.pk]),
            {
                "applications": [a.pk for a in chosen],
                "note": "Thank you; we filled the position.",
            },
        )
        # First a confirmation that names them; nothing moves and no email goes yet.
        assert "Mark 3 applicants as not selected?" in asked.content.decode()
        assert not mail.outbox
        for application in chosen:
            application.refresh_from_db()
            assert application.status == "submitted"
        staff_client.post(
            reverse("listings:manage_not_selected", args=[listing.pk]),
            {
                "applications": [a.pk for a in chosen],
                "note": "Thank you; we filled the position.",
                "confirm": "yes",
            },
        )
        refused = staff_client.post(
            reverse("listings:manage_not_selected", args=[listing.pk]),
            {"applications": [elsewhere.pk], "note": "x"},
            follow=True,
        )

    for application in chosen:
        application.refresh_from_db()
        assert application.status == "not_selected"
    for application in (kept, elsewhere):
        application.refresh_from_db()
        assert application.status == "submitted"
    assert len(mail.outbox) == 3
    assert all("we filled the position" in m.body for m in mail.outbox)
    assert "Choose at least one applicant" in refused.content.decode()


def test_cv_downloads_are_recorded(staff_client, listing, lab_staff):
    application = SubmittedApplicationFactory(listing=listing)
    url = reverse("listings:manage_applicant_cv", args=[application.pk])

    staff_client.get(url)
    staff_client.get(url)

    assert application.cv_downloads.filter(downloaded_by=lab_staff).count() == 2
    page = staff_client.get(reverse("listings:manage_applicant", args=[application.pk]))
    assert "Downloaded" in page.content.decode()


def test_unverified_staff_do_not_see_applicants(client, listing):
    application = SubmittedApplicationFactory(listing=listing)
    client.force_login(LabStaffFactory(profile__lab=listing.lab, profile__status="unconfirmed"))
    for url in (
        reverse("listings:manage_applicants", args=[listing.pk]),
        reverse("listings:manage_applicant", args=[application.pk]),
        reverse("listings:manage_applicant_cv", args=[application.pk]),
        reverse("listings:manage_applicants_csv", args=[listing.pk]),
    ):
        assert client.get(url).status_code == 403


# -- CSV ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Ana Lopez", "Ana Lopez"),
        ("", ""),
        (2028, "2028"),
    ],
)
def test_csv_cells_cannot_start_a_formula(cell, written):
    assert safe_csv_row([cell]) == [written]


def test_csv_export_of_applicants_is_neutralised(staff_client, listing):
    student = StudentFactory(first_name="=cmd|' /C calc'!A0", last_name="Smith")
    student.student_profile.skills = ["@risky", "pipetting"]
    student.student_profile.save()
    SubmittedApplicationFactory(listing=listing, student=student)

    response = staff_client.get(reverse("listings:manage_applicants_csv", args=[listing.pk]))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:2] == ["Name", "Email"]
    assert rows[1][0].startswith("'=")
    assert rows[1][7] == "'@risky, pipetting"
    assert rows[1][6] == "0 of 2"
