"""The tracker (/applications/): groups, timeline, notes, follow-up, withdraw; and who
may open each student page (every role against every view)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from listings.models import Application
from listings.services import applications as services
from tests.support.factories import (
    ApplicationFactory,
    ClosedListingFactory,
    LabStaffFactory,
    PublishedListingFactory,
    SavedSearchFactory,
    StudentFactory,
    SubmittedApplicationFactory,
)

pytestmark = pytest.mark.django_db
TRACKER = reverse("listings:application_list")


def test_tracker_groups_by_state_with_counts_and_marks_closed_listings(client, student):
    ApplicationFactory(student=student)
    ApplicationFactory(student=student)
    SubmittedApplicationFactory(student=student, listing=ClosedListingFactory(title="Gone"))
    offer = SubmittedApplicationFactory(student=student)
    offer.make_offer(by=None)
    client.force_login(student)

    response = client.get(TRACKER)

    groups = {key: len(rows) for key, _, rows in response.context["groups"]}
    assert groups == {"saved": 2, "submitted": 1, "offer": 1}
    assert [key for key, _, _ in response.context["groups"]] == ["offer", "submitted", "saved"]
    content = response.content.decode()
    assert 'Saved listings <span class="count">(2)</span>' in content
    assert "Listing closed" in content


def test_tracker_queries_do_not_grow_with_applications(
    client, student, django_assert_max_num_queries
):
    for _ in range(8):
        application = SubmittedApplicationFactory(student=student)
        application.start_review(by=None)
    client.force_login(student)

    # session, user, applications, events, actors, interviews, the calendar feed, and
    # the navigation's unread count
    with django_assert_max_num_queries(8):
        client.get(TRACKER)


def test_timeline_shows_each_change_with_time_and_who(client, student, lab_staff):
    application = SubmittedApplicationFactory(student=student)
    services.application_move(
        application=application, move="invite_to_interview", by=lab_staff, note="Tue 10:00?"
    )
    client.force_login(student)

    content = client.get(reverse("listings:application_detail", args=[application.pk])).content
    content = content.decode()

    assert "interview" in content and "Tue 10:00?" in content
    assert content.count("<time datetime=") >= 2


def test_notes_and_follow_up_date_are_saved_and_show_as_due(client, student):
    application = SubmittedApplicationFactory(student=student)
    client.force_login(student)
    yesterday = timezone.localdate() - timedelta(days=1)
    url = reverse("listings:application_detail", args=[application.pk])

    client.post(url, {"notes": "Ask about summer hours", "follow_up_on": yesterday.isoformat()})

    application.refresh_from_db()
    assert application.notes == "Ask about summer hours"
    assert application.follow_up_on == yesterday
    assert "Follow-ups due" in client.get(TRACKER).content.decode()


def test_bad_follow_up_date_and_over_long_notes_are_form_errors(client, student):
    application = SubmittedApplicationFactory(student=student)
    client.force_login(student)
    url = reverse("listings:application_detail", args=[application.pk])

    response = client.post(url, {"notes": "x" * 20_001, "follow_up_on": "2026-02-30"})

    assert response.status_code == 200
    content = response.content.decode()
    assert "Enter a valid date" in content
    assert "at most 20000 characters" in content.replace(",", "")
    application.refresh_from_db()
    assert application.notes == ""


def test_withdraw_needs_confirmation_then_a_post(client, student):
    application = SubmittedApplicationFactory(student=student)
    client.force_login(student)
    url = reverse("listings:application_withdraw", args=[application.pk])

    confirm = client.get(url)
    assert "Withdraw your application?" in confirm.content.decode()
    application.refresh_from_db()
    assert application.status == "submitted"

    client.post(url)
    application.refresh_from_db()
    assert application.status == "withdrawn"
    again = client.post(url, follow=True)
    assert "can no longer be withdrawn" in again.content.decode()


# -- permissions: every student page against every role --------------------------------

STUDENT_PAGES = [
    ("listings:application_list", False),
    ("listings:application_detail", True),
    ("listings:application_withdraw", True),
    ("listings:saved_search_list", False),
    ("accounts:profile", False),
    ("accounts:account_delete", False),
]


@pytest.fixture
def owned(student):
    application = SubmittedApplicationFactory(student=student)
    return application


def page_url(name, needs_pk, application):
    return reverse(name, args=[application.pk]) if needs_pk else reverse(name)


@pytest.mark.parametrize(("name", "needs_pk"), STUDENT_PAGES)
def test_anonymous_is_sent_to_log_in_and_back(client, owned, name, needs_pk):
    url = page_url(name, needs_pk, owned)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={url}"


@pytest.mark.parametrize(("name", "needs_pk"), STUDENT_PAGES)
def test_lab_staff_and_admins_get_403(client, owned, name, needs_pk, superuser):
    staff = LabStaffFactory(profile__lab=owned.listing.lab)
    for user in (staff, superuser):
        client.force_login(user)
        assert client.get(page_url(name, needs_pk, owned)).status_code == 403


@pytest.mark.parametrize(
    "name",
    ["listings:application_detail", "listings:application_withdraw", "listings:application_cv"],
)
def test_another_student_gets_404_for_get_and_post(client, owned, name):
    client.force_login(StudentFactory())
    url = reverse(name, args=[owned.pk])
    assert client.get(url).status_code == 404
    # The CV is GET-only: a POST is 405 whoever asks, telling nothing.
    expected_post = 405 if name == "listings:application_cv" else 404
    assert client.post(url, {"notes": "mine now"}).status_code == expected_post
    owned.refresh_from_db()
    assert (owned.status, owned.notes) == ("submitted", "")


def test_another_students_saved_search_is_404(client):
    saved = SavedSearchFactory()
    client.force_login(StudentFactory())
    for name in ("listings:saved_search_update", "listings:saved_search_delete"):
        response = client.post(reverse(name, args=[saved.pk]), {"frequency": "weekly"})
        assert response.status_code == 404
    saved.refresh_from_db()
    assert saved.frequency == "daily"


def test_application_cv_for_its_student_and_the_listings_lab_only(client, owned, other_lab_staff):
    student_url = reverse("listings:application_cv", args=[owned.pk])
    lab_url = reverse("listings:manage_applicant_cv", args=[owned.pk])
    own_lab_staff = LabStaffFactory(profile__lab=owned.listing.lab)

    for user, url, expected in [
        (owned.student, student_url, 200),
        (own_lab_staff, lab_url, 200),
        (own_lab_staff, student_url, 403),  # staff download from /manage/, recorded
        (other_lab_staff, lab_url, 404),
        (owned.student, lab_url, 403),
    ]:
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == expected, (user, url)
        if expected == 200:
            assert response["Content-Disposition"].startswith("attachment;")
    assert owned.cv_downloads.get().downloaded_by == own_lab_staff


def test_lab_does_not_get_the_cv_of_a_draft(client):
    draft = ApplicationFactory(cv_filename="cv.pdf")
    draft.cv.save("cv.pdf", SubmittedApplicationFactory.build().cv, save=True)
    client.force_login(LabStaffFactory(profile__lab=draft.listing.lab))
    assert client.get(reverse("listings:manage_applicant_cv", args=[draft.pk])).status_code == 404


def test_student_posts_are_refused_to_lab_staff(client, lab_staff):
    listing = PublishedListingFactory()
    client.force_login(lab_staff)
    for name in ("listings:listing_save", "listings:application_apply"):
        assert client.post(reverse(name, args=[listing.pk])).status_code == 403
    assert not Application.objects.exists()


def test_a_decided_application_has_no_follow_up_due(client, student):
    application = SubmittedApplicationFactory(
        student=student, follow_up_on=timezone.localdate() - timedelta(days=1)
    )
    application.withdraw(by=student)
    client.force_login(student)
    assert "Follow-ups due" not in client.get(TRACKER).content.decode()
