"""Saving listings and applying: drafts, the frozen submission, the receipt, and every
way a submission can go wrong (closed listing, double submit, stale form, bad CV)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import StudentCertification
from labjobs.errors import ServiceError
from listings.models import Application, ApplicationEvent, ApplyMethod, Certification
from listings.services import applications as services
from tests.support.factories import (
    ClosedListingFactory,
    PastExpiryListingFactory,
    PendingListingFactory,
    PublishedListingFactory,
    StudentFactory,
)
from tests.support.files import pdf

pytestmark = pytest.mark.django_db
LETTER = "Dear Dr. Chen, I processed 400 blood samples last summer."


@pytest.fixture
def listing():
    return PublishedListingFactory(title="Hematology research assistant")


@pytest.fixture
def student_with_cv(client, student):
    client.force_login(student)
    profile = student.student_profile
    profile.cv.save("x.pdf", pdf(name="Ana CV.pdf"), save=False)
    profile.cv_filename = "Ana_CV.pdf"
    profile.save()
    return student


def apply(client, listing, action="submit", follow=False, **data):
    payload = {"cover_letter": LETTER, "cv_choice": "profile", "action": action, **data}
    url = reverse("listings:application_apply", args=[listing.pk])
    return client.post(url, payload, follow=follow)


def stored(media_root):
    return sorted(p.name for p in media_root.rglob("*.pdf")) if media_root.exists() else []


# -- save -------------------------------------------------------------------------


def test_save_twice_keeps_one_and_unsave_removes_it(client, student, listing):
    client.force_login(student)
    save = reverse("listings:listing_save", args=[listing.pk])

    first = client.post(save, {"next": "/listings/?q=blood"})
    second = client.post(save, follow=True)

    assert first.status_code == 302 and first.url == "/listings/?q=blood"
    assert "already in your saved listings" in second.content.decode()
    assert Application.objects.get(student=student, listing=listing).status == "saved"

    client.post(reverse("listings:listing_unsave", args=[listing.pk]))
    assert not Application.objects.exists()


def test_save_refuses_get_other_sites_next_and_non_public_listings(client, student, listing):
    client.force_login(student)
    save = reverse("listings:listing_save", args=[listing.pk])

    assert client.get(save).status_code == 405
    for bad_next in ("https://evil.example/", "//evil.example/", "paid", "/" + "x" * 20_000):
        response = client.post(save, {"next": bad_next})
        assert response.url == listing.get_absolute_url(), bad_next
    pending = PendingListingFactory()
    assert client.post(reverse("listings:listing_save", args=[pending.pk])).status_code == 404


def test_unsave_never_removes_a_sent_application(client, student, listing):
    application = Application.objects.create(
        student=student, listing=listing, status="submitted", submitted_at=timezone.now()
    )
    client.force_login(student)

    client.post(reverse("listings:listing_unsave", args=[listing.pk]))

    assert Application.objects.filter(pk=application.pk).exists()


def test_search_results_show_save_buttons_in_one_query(
    client, student, django_assert_max_num_queries
):
    listings = PublishedListingFactory.create_batch(5)
    Application.objects.create(student=student, listing=listings[0])
    client.force_login(student)
    client.get(reverse("listings:listing_list"))  # warm the catalogue cache

    with django_assert_max_num_queries(9):  # session, user, search (<= 6), saved states
        response = client.get(reverse("listings:listing_list"))

    content = response.content.decode()
    assert content.count('form="save-') == 5
    assert "Saved ✓" in content
    assert content.count('<form method="post" id="save-') == 5


# -- the apply page -----------------------------------------------------------------


def test_apply_page_shows_what_the_lab_asks_and_the_certification_match(client, student, listing):
    bls, hipaa = Certification.objects.filter(slug__in=["bls-cpr", "hipaa"]).order_by("slug")
    listing.certifications.set([bls, hipaa])
    StudentCertification.objects.create(profile=student.student_profile, certification=bls)
    client.force_login(student)

    content = client.get(reverse("listings:application_apply", args=[listing.pk])).content.decode()

    assert "Skills sought" in content and "attention to detail" in content
    assert "Process samples" in content  # responsibilities
    assert "You meet 1 of 2." in content
    assert listing.get_absolute_url() in content


def test_listing_page_shows_the_match_to_a_signed_in_student(client, student, listing):
    listing.certifications.set(Certification.objects.filter(slug="hipaa"))
    client.force_login(student)
    content = client.get(listing.get_absolute_url()).content.decode()
    assert "You meet 0 of 1." in content


def test_draft_is_kept_and_shown_again(client, student, listing):
    client.force_login(student)

    response = apply(client, listing, action="draft", cv_choice="upload")
    assert response.status_code == 200  # "upload" chosen without a file is an error
    assert "Choose a PDF to upload" in response.content.decode()
    response = apply(client, listing, action="draft", cv_choice="")

    assert response.status_code == 302
    application = Application.objects.get(student=student, listing=listing)
    assert (application.status, application.cover_letter) == ("saved", LETTER)
    page = client.get(reverse("listings:application_apply", args=[listing.pk]))
    assert LETTER in page.content.decode()


def test_stale_draft_from_another_tab_does_not_overwrite(client, student, listing):
    client.force_login(student)
    apply(client, listing, action="draft", cv_choice="")
    opened = Application.objects.get().updated_at.isoformat()
    apply(client, listing, action="draft", cv_choice="", cover_letter="Tab two", version=opened)

    response = apply(
        client, listing, action="draft", cv_choice="", cover_letter="Tab one", version=opened
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "changed in another tab" in content
    assert "Tab one" in content  # the student's text is not lost
    assert Application.objects.get().cover_letter == "Tab two"


# -- submitting -------------------------------------------------------------------


def test_submit_freezes_letter_and_a_copy_of_the_cv_and_sends_a_receipt(
    client, student_with_cv, listing, media_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = apply(client, listing)

    application = Application.objects.get(student=student_with_cv, listing=listing)
    assert response.status_code == 302
    assert response.url == reverse("listings:application_detail", args=[application.pk])
    assert application.status == "submitted" and application.submitted_at
    assert application.cover_letter == LETTER
    profile = student_with_cv.student_profile
    assert application.cv.name != profile.cv.name
    assert application.cv.read() == profile.cv.read()
    assert application.cv_filename == "Ana_CV.pdf"
    [event] = ApplicationEvent.objects.filter(application=application)
    assert (event.from_status, event.to_status) == ("saved", "submitted")
    assert event.actor == student_with_cv

    [receipt] = mail.outbox
    assert receipt.to == [student_with_cv.email]
    assert receipt.subject == "[LabJobs] Application sent: Hematology research assistant"
    assert receipt.alternatives[0][1] == "text/html"
    link = f"/applications/{application.pk}/"
    assert link in receipt.body
    assert client.get(link).status_code == 200

    # A new profile CV later does not change what the lab received.
    client.post(
        reverse("accounts:profile"),
        {
            "program": "ms1",
            "skills": "",
            "cv_upload": pdf(size=4000),
            "certs-TOTAL_FORMS": "0",
            "certs-INITIAL_FORMS": "0",
        },
    )
    application.refresh_from_db()
    profile.refresh_from_db()
    assert application.cv.read() != profile.cv.read()


def test_submit_with_a_cv_for_this_application_only(client, student, listing):
    client.force_login(student)

    response = apply(client, listing, cv_choice="upload", cv_upload=pdf(name="Tailored.pdf"))

    assert response.status_code == 302
    application = Application.objects.get()
    assert application.cv_filename == "Tailored.pdf"
    assert not student.student_profile.cv


def test_double_submit_leaves_one_application_and_a_clear_message(client, student_with_cv, listing):
    apply(client, listing)

    second = apply(client, listing, follow=False)

    assert second.status_code == 302
    assert Application.objects.count() == 1
    assert ApplicationEvent.objects.filter(to_status="submitted").count() == 1
    page = client.get(second.url)
    assert "already sent" in page.content.decode()


def test_two_tabs_submitting_the_same_draft(client, student_with_cv, listing):
    apply(client, listing, action="draft")
    application = Application.objects.get()

    services.application_submit(
        application=application, cover_letter="tab one", use_profile_cv=True
    )
    with pytest.raises(ServiceError, match="already sent"):
        services.application_submit(
            application=application, cover_letter="tab two", use_profile_cv=True
        )

    assert Application.objects.get().cover_letter == "tab one"


@pytest.mark.parametrize(
    "make_listing",
    [
        ClosedListingFactory,
        PendingListingFactory,
        PastExpiryListingFactory,
        lambda: PublishedListingFactory(deadline=timezone.localdate() - timedelta(days=1)),
    ],
    ids=["closed", "pending", "past-expiry", "past-deadline"],
)
def test_listing_not_taking_applications_refuses(client, student_with_cv, make_listing):
    listing = make_listing()

    response = apply(client, listing)

    assert response.status_code in (302, 404)
    assert not Application.objects.filter(status="submitted").exists()


def test_listing_closed_while_the_form_was_open(client, student_with_cv, listing):
    apply(client, listing, action="draft")
    listing.close(by=None, reason="filled")

    response = apply(client, listing, follow=True)

    assert "no longer taking applications" in response.content.decode()
    assert Application.objects.get().status == "saved"


def test_unverified_email_may_draft_but_not_send(client, listing):
    student = StudentFactory(verified_email=False)
    client.force_login(student)

    response = apply(client, listing, cv_choice="upload", cv_upload=pdf())

    assert response.status_code == 200
    assert "Confirm your email address" in response.content.decode()
    assert Application.objects.get().status == "saved"


def test_over_long_cover_letter_is_refused_whole(client, student_with_cv, listing, media_root):
    before = stored(media_root)

    response = apply(client, listing, cover_letter="x" * 200_000)

    assert response.status_code == 200
    assert "at most 20000 characters" in response.content.decode().replace(",", "")
    assert not Application.objects.exists()
    assert stored(media_root) == before


def test_nul_byte_in_the_cover_letter_is_400(client, student_with_cv, listing):
    response = apply(client, listing, cover_letter="Dear lab\x00")
    assert response.status_code == 400
    assert not Application.objects.exists()


def test_bad_cv_on_apply_stores_nothing(client, student, listing, media_root):
    client.force_login(student)
    exe = SimpleUploadedFile("cv.pdf", b"\x7fELF" + b"\x00" * 100)

    response = apply(client, listing, cv_choice="upload", cv_upload=exe)

    assert "must be a PDF" in response.content.decode()
    assert not Application.objects.exists()
    assert stored(media_root) == []


def test_no_cv_at_all_is_a_clear_error(client, student, listing):
    client.force_login(student)
    response = apply(client, listing, cv_choice="")
    assert "Attach a CV" in response.content.decode()
    assert Application.objects.get().status == "saved"


def test_empty_cover_letter_is_not_sent(client, student_with_cv, listing):
    response = apply(client, listing, cover_letter="   ")
    assert "Write a cover letter" in response.content.decode()
    assert Application.objects.get().status == "saved"


def test_a_failure_after_the_cv_copy_leaves_no_file_and_no_submission(
    client, student_with_cv, listing, media_root, monkeypatch
):
    before = stored(media_root)

    def broken(application):
        raise RuntimeError("mail queue down")

    monkeypatch.setattr(services.notifications, "application_submitted", broken)
    with pytest.raises(RuntimeError):
        apply(client, listing)

    assert stored(media_root) == before
    assert not Application.objects.filter(status="submitted").exists()


def test_post_without_csrf_token_is_refused(student, listing):
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)

    response = apply(client, listing)

    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()
    assert not Application.objects.exists()


# -- listings that take applications elsewhere -------------------------------------


def test_external_listing_shows_the_link_and_tracks_by_hand(client, student):
    listing = PublishedListingFactory(
        apply_method=ApplyMethod.EXTERNAL, apply_url="https://jobs.example.edu/123"
    )
    client.force_login(student)

    page = client.get(reverse("listings:application_apply", args=[listing.pk]))
    assert "https://jobs.example.edu/123" in page.content.decode()

    response = client.post(reverse("listings:application_track_external", args=[listing.pk]))
    again = client.post(
        reverse("listings:application_track_external", args=[listing.pk]), follow=True
    )

    application = Application.objects.get()
    assert response.url == reverse("listings:application_detail", args=[application.pk])
    assert (application.status, application.applied_externally) == ("submitted", True)
    assert "already track" in again.content.decode()


def test_database_lost_mid_submission_leaves_no_half_application(
    student_with_cv, listing, media_root, monkeypatch
):
    """The outage case: the connection drops as the application moves to submitted.
    The student sees the 503 page; nothing of the submission remains."""
    from django.db import OperationalError

    client = Client(raise_request_exception=False)
    client.force_login(student_with_cv)
    apply(client, listing, action="draft")
    before = stored(media_root)

    def connection_lost(self, *, by):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(Application, "submit", connection_lost)
    response = apply(client, listing)

    assert response.status_code == 503
    assert "briefly unavailable" in response.content.decode()
    application = Application.objects.get()
    assert (application.status, application.submitted_at) == ("saved", None)
    assert not ApplicationEvent.objects.filter(application=application).exists()
    assert stored(media_root) == before  # the CV copy was removed again
    assert mail.outbox == []
