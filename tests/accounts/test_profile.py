"""The student profile: studies, certifications with expiry, the CV (checked by content,
stored under a secret name, served only to its owner), and deleting the account."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Program, StudentCertification, StudentProfile, User
from listings.models import Application, ApplicationEvent, Certification, SavedSearch
from tests.support.factories import (
    ApplicationFactory,
    PublishedListingFactory,
    SavedSearchFactory,
    StudentFactory,
    SubmittedApplicationFactory,
)
from tests.support.files import pdf, pdf_with_open_action

pytestmark = pytest.mark.django_db
PROFILE = reverse("accounts:profile")


def profile_data(**extra):
    data = {
        "program": Program.MS3,
        "graduation_year": "2027",
        "skills": "pipetting, REDCap, , pipetting",
        "certs-TOTAL_FORMS": "2",
        "certs-INITIAL_FORMS": "0",
        "certs-MIN_NUM_FORMS": "0",
        "certs-MAX_NUM_FORMS": "20",
    }
    data.update(extra)
    return data


def stored_files(media_root):
    if not media_root.exists():
        return []
    return sorted(path.name for path in media_root.rglob("*") if path.is_file())


def test_anonymous_is_sent_to_log_in_and_back(client):
    response = client.get(PROFILE)
    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={PROFILE}"


def test_lab_staff_cannot_use_the_student_profile(client, lab_staff):
    client.force_login(lab_staff)
    assert client.get(PROFILE).status_code == 403


def test_student_saves_studies_certifications_and_cv(client, student, media_root):
    bls = Certification.objects.get(slug="bls-cpr")
    client.force_login(student)

    response = client.post(
        PROFILE,
        profile_data(
            **{"certs-0-certification": bls.pk, "certs-0-expires_on": "2027-06-30"},
            cv_upload=pdf(name="Ana Lopez CV (final).pdf"),
        ),
    )

    assert response.status_code == 302
    profile = StudentProfile.objects.get(user=student)
    assert (profile.program, profile.graduation_year) == (Program.MS3, 2027)
    assert profile.skills == ["pipetting", "REDCap"]
    assert [(c.certification, str(c.expires_on)) for c in profile.held_certifications.all()] == [
        (bls, "2027-06-30")
    ]
    # Stored under a random name, not the uploaded one; the uploaded name is shown.
    assert profile.cv.name.startswith("cvs/") and "Lopez" not in profile.cv.name
    assert len(profile.cv.name) > 30
    assert profile.cv_filename == "Ana_Lopez_CV_final.pdf"
    assert stored_files(media_root) == [profile.cv.name.split("/")[1]]


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("cv.pdf", b"MZ\x90\x00" + b"\x00" * 500), "must be a PDF"),
        (SimpleUploadedFile("cv.pdf", b"%PDF-1.4 but cut short"), "must be a PDF"),
        (SimpleUploadedFile("cv.pdf", b""), "empty"),
        (pdf(size=5 * 1024 * 1024 + 300_000), "at most 5 MB"),
        (pdf(javascript="app.alert(1)"), "contains JavaScript"),
        (SimpleUploadedFile("cv.pdf", pdf_with_open_action("/JavaScript")), "contains JavaScript"),
        (SimpleUploadedFile("cv.pdf", pdf_with_open_action("/Launch")), "starts a program"),
        (pdf(embedded=b"MZ\x90\x00 a program"), "contains embedded files"),
        (SimpleUploadedFile("cv.pdf", b"%PDF-1.7\n" + b"garbage " * 200 + b"\n%%EOF\n"),
         "could not be read"),
    ],
    ids=["renamed-executable", "truncated-pdf", "empty", "over-5-mb", "javascript",
         "open-action-javascript", "launch-action", "embedded-file", "unreadable"],
)  # fmt: skip
def test_bad_cv_is_refused_and_nothing_is_stored(client, student, media_root, upload, message):
    client.force_login(student)

    response = client.post(PROFILE, profile_data(cv_upload=upload))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not StudentProfile.objects.get(user=student).cv
    assert stored_files(media_root) == []


def test_a_new_cv_replaces_the_old_file(
    client, student, media_root, django_capture_on_commit_callbacks
):
    client.force_login(student)
    client.post(PROFILE, profile_data(cv_upload=pdf()))
    first = StudentProfile.objects.get(user=student).cv.name

    with django_capture_on_commit_callbacks(execute=True):
        client.post(PROFILE, profile_data(cv_upload=pdf(size=3000)))

    second = StudentProfile.objects.get(user=student).cv.name
    assert second != first
    assert stored_files(media_root) == [second.split("/")[1]]


def test_the_same_certification_twice_is_a_form_error(client, student):
    bls = Certification.objects.get(slug="bls-cpr")
    client.force_login(student)

    response = client.post(
        PROFILE,
        profile_data(**{"certs-0-certification": bls.pk, "certs-1-certification": bls.pk}),
    )

    assert response.status_code == 200
    assert "correct the duplicate" in response.content.decode().lower()
    assert not StudentCertification.objects.exists()


def test_skills_are_shown_as_typed(client, student):
    client.force_login(student)
    client.post(PROFILE, profile_data(skills="pipetting,REDCap"))
    assert 'value="pipetting, REDCap"' in client.get(PROFILE).content.decode()


def test_over_long_skill_is_a_form_error(client, student):
    client.force_login(student)
    response = client.post(PROFILE, profile_data(skills="x" * 81))
    assert response.status_code == 200
    assert "at most 80 characters" in response.content.decode()


def test_owner_downloads_their_cv_as_an_attachment(client, student):
    client.force_login(student)
    client.post(PROFILE, profile_data(cv_upload=pdf(name="cv.pdf")))

    response = client.get(reverse("accounts:profile_cv"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="cv.pdf"'
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_profile_cv_without_one_is_404(client, student):
    client.force_login(student)
    assert client.get(reverse("accounts:profile_cv")).status_code == 404


def test_certification_match_met_lacking_and_expiring(student):
    bls, citi, hipaa, bbp = (
        Certification.objects.get(slug=slug)
        for slug in ["bls-cpr", "citi-human-subjects", "hipaa", "bloodborne-pathogens"]
    )
    starts = timezone.localdate() + timedelta(days=60)
    listing = PublishedListingFactory(start_date=starts)
    listing.certifications.set([bls, citi, hipaa, bbp])
    profile = student.student_profile
    StudentCertification.objects.create(profile=profile, certification=bls)  # no expiry
    StudentCertification.objects.create(
        profile=profile, certification=citi, expires_on=starts + timedelta(days=1)
    )
    StudentCertification.objects.create(
        profile=profile, certification=hipaa, expires_on=starts - timedelta(days=1)
    )

    match = profile.certification_match(listing)

    assert match.required == 4
    assert sorted(c.slug for c in match.met) == ["bls-cpr", "citi-human-subjects"]
    assert [c.slug for c, _ in match.expiring] == ["hipaa"]
    assert [c.slug for c in match.lacking] == ["bloodborne-pathogens"]
    assert not match.meets_all


# -- deleting the account -------------------------------------------------------------


def test_delete_account_erases_personal_data_and_keeps_an_anonymous_record(
    client, student, media_root, django_capture_on_commit_callbacks
):
    client.force_login(student)
    client.post(PROFILE, profile_data(cv_upload=pdf()))
    saved = ApplicationFactory(student=student, cover_letter="draft")
    sent = SubmittedApplicationFactory(student=student, notes="call Dr. Chen")
    sent.start_review(by=None)
    SavedSearchFactory(student=student)
    assert len(stored_files(media_root)) == 2

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:account_delete"), {"password": "correct horse battery"}
        )

    assert response.status_code == 302
    assert not User.objects.filter(pk=student.pk).exists()
    assert not Application.objects.filter(pk=saved.pk).exists()
    record = Application.objects.get(pk=sent.pk)
    assert record.student is None
    assert (record.cover_letter, record.cv.name, record.notes) == ("", "", "")
    assert record.status == Application.Status.REVIEWING
    assert ApplicationEvent.objects.filter(application=record).exists()
    assert not SavedSearch.objects.exists()
    assert stored_files(media_root) == []
    assert "_auth_user_id" not in client.session


def test_delete_account_needs_the_password(client, student):
    client.force_login(student)

    response = client.post(reverse("accounts:account_delete"), {"password": "wrong"})

    assert response.status_code == 200
    assert "not your password" in response.content.decode()
    assert User.objects.filter(pk=student.pk).exists()


def test_a_new_student_without_profile_creates_it_from_the_form(client):
    student = StudentFactory(profile=None)
    client.force_login(student)

    assert client.get(PROFILE).status_code == 200
    client.post(PROFILE, profile_data())

    assert StudentProfile.objects.get(user=student).program == Program.MS3


def test_profile_page_queries_do_not_grow_with_certifications(
    client, student, django_assert_max_num_queries
):
    for certification in Certification.objects.all()[:5]:
        StudentCertification.objects.create(
            profile=student.student_profile, certification=certification
        )
    client.force_login(student)

    with django_assert_max_num_queries(7):  # session, user, profile, address, rows, choices
        response = client.get(PROFILE)

    assert response.content.decode().count('name="certs-') > 5


def test_an_oversized_upload_is_refused_before_it_is_read(client, student, media_root):
    client.force_login(student)
    response = client.post(PROFILE, profile_data(cv_upload=pdf(size=7 * 1024 * 1024)))
    assert response.status_code == 413
    assert "at most 5 MB" in response.content.decode()
    assert stored_files(media_root) == []


def test_a_plain_pdf_with_a_harmless_open_action_is_accepted(client, student):
    """Word processors write an /OpenAction that only shows the first page."""
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, NameObject, NumberObject

    writer = PdfWriter()
    page = writer.add_blank_page(width=612, height=792)
    writer._root_object[NameObject("/OpenAction")] = ArrayObject(
        [page.indirect_reference, NameObject("/XYZ"), NumberObject(0), NumberObject(792)]
    )
    body = io.BytesIO()
    writer.write(body)
    client.force_login(student)
    client.post(PROFILE, profile_data(cv_upload=SimpleUploadedFile("cv.pdf", body.getvalue())))
    assert StudentProfile.objects.get(user=student).cv


def test_certifications_come_one_row_at_a_time_with_labelled_fields(client, student):
    bls = Certification.objects.get(slug="bls-cpr")
    StudentCertification.objects.create(profile=student.student_profile, certification=bls)
    client.force_login(student)

    content = client.get(PROFILE).content.decode()

    # The held certification, one empty row, and the template the script copies.
    assert 'name="certs-TOTAL_FORMS" value="2"' in content
    assert 'id="id_certs-__prefix__-certification"' in content
    assert "Choose a certification" in content and "---------" not in content
    assert 'Remove<span class="visually-hidden"> BLS/CPR</span>' in content
    assert "Add another certification" in content  # shown by the script
    assert "save: a new empty row appears" in content  # without it


@pytest.mark.parametrize("hours", ["0", "81", "200"])
def test_hours_a_week_outside_1_to_80_are_refused(client, student, hours):
    client.force_login(student)

    response = client.post(PROFILE, profile_data(hours_per_week=hours, city="Boston"))

    assert response.status_code == 200
    assert "Hours a week are 1 to 80." in response.content.decode()
    assert StudentProfile.objects.get(user=student).hours_per_week is None
