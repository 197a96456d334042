"""Moderation in the Django admin: the queue, approve, reject, permissions, query counts."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import CHANGE, LogEntry
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from listings.models import Lab, Listing, ListingEvent
from tests.support.factories import (
    LabFactory,
    LabStaffProfileFactory,
    PendingListingFactory,
    PublishedListingFactory,
)

pytestmark = pytest.mark.django_db

QUEUE_URL = reverse("admin:listings_pendinglisting_changelist")
LISTINGS_URL = reverse("admin:listings_listing_changelist")


def moderate_url(listing):
    return reverse("admin:listings_listing_moderate", args=[listing.pk])


def _assert_decided(listing, moderator, to_status, reason_fragment=""):
    listing.refresh_from_db()
    assert listing.status == to_status
    event = ListingEvent.objects.get(listing=listing)
    assert (event.actor, event.from_status, event.to_status) == (moderator, "pending", to_status)
    assert reason_fragment in event.reason
    entry = LogEntry.objects.get(object_id=str(listing.pk), user=moderator)
    assert entry.action_flag == CHANGE
    assert entry.content_type.model == "listing"
    return event, entry


def test_queue_lists_pending_listings_oldest_first_with_time_in_queue(client, moderator):
    newer = PendingListingFactory(
        title="Newer", submitted_at=timezone.now() - timezone.timedelta(hours=2)
    )
    older = PendingListingFactory(
        title="Older", submitted_at=timezone.now() - timezone.timedelta(days=3)
    )
    PublishedListingFactory(title="Already published")
    client.force_login(moderator)
    response = client.get(QUEUE_URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("Older") < page.index("Newer")
    assert "Already published" not in page
    assert "3\xa0days" in page  # time in queue
    assert moderate_url(older) in page and moderate_url(newer) in page


def test_moderator_approves_from_the_review_page(client, moderator):
    listing = PendingListingFactory()
    client.force_login(moderator)
    assert client.get(moderate_url(listing)).status_code == 200
    response = client.post(moderate_url(listing), {"decision": "approve", "note": "Looks good"})
    assert response.status_code == 302 and response.url == QUEUE_URL
    _, entry = _assert_decided(listing, moderator, "published", "Looks good")
    assert "Approved" in entry.change_message
    listing.refresh_from_db()
    assert listing.is_public
    assert listing.title in client.get(reverse("listings:listing_list")).content.decode()


def test_moderator_rejects_with_a_canned_reason(client, moderator):
    listing = PendingListingFactory()
    client.force_login(moderator)
    response = client.post(
        moderate_url(listing), {"decision": "reject", "canned_reason": "compensation"}
    )
    assert response.status_code == 302
    event, entry = _assert_decided(listing, moderator, "rejected", "Compensation details")
    listing.refresh_from_db()
    assert listing.rejection_reason == event.reason
    assert "Compensation details" in entry.change_message


def test_moderator_rejects_with_free_text(client, moderator):
    listing = PendingListingFactory()
    client.force_login(moderator)
    client.post(
        moderate_url(listing),
        {"decision": "reject", "canned_reason": "other", "details": "Please add the PI's name."},
    )
    _assert_decided(listing, moderator, "rejected", "Please add the PI's name.")


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({}, "A rejection needs a reason"),
        ({"canned_reason": "other"}, "Explain the reason"),
        ({"details": "   "}, "A rejection needs a reason"),
        ({"canned_reason": "made-up"}, "Select a valid choice"),
        ({"details": "x" * 2001}, "at most 2000 characters"),
    ],
)
def test_reject_without_a_valid_reason_is_a_form_error(client, moderator, data, error):
    listing = PendingListingFactory()
    client.force_login(moderator)
    response = client.post(moderate_url(listing), {"decision": "reject", **data})
    assert response.status_code == 200
    assert error in response.content.decode()
    listing.refresh_from_db()
    assert listing.status == "pending"
    assert not ListingEvent.objects.exists() and not LogEntry.objects.exists()


def test_deciding_an_already_decided_listing_is_refused_cleanly(client, moderator):
    listing = PendingListingFactory()
    client.force_login(moderator)
    client.post(moderate_url(listing), {"decision": "approve"})
    response = client.post(
        moderate_url(listing), {"decision": "reject", "canned_reason": "duplicate"}, follow=True
    )
    assert response.status_code == 200
    assert "Cannot reject a listing that is published" in response.content.decode()
    listing.refresh_from_db()
    assert listing.status == "published"
    assert ListingEvent.objects.count() == 1


def test_bulk_approve_action(client, moderator):
    listings = PendingListingFactory.create_batch(3)
    published = PublishedListingFactory()
    client.force_login(moderator)
    response = client.post(
        QUEUE_URL,
        {"action": "approve_selected", ACTION_CHECKBOX_NAME: [x.pk for x in listings]},
    )
    assert response.status_code == 302
    for listing in listings:
        _assert_decided(listing, moderator, "published")
    published.refresh_from_db()
    assert not published.events.exists()


def test_bulk_approve_reports_listings_that_are_not_pending(client, moderator):
    pending = PendingListingFactory()
    published = PublishedListingFactory(title="Already live")
    client.force_login(moderator)
    response = client.post(
        LISTINGS_URL,
        {"action": "approve_selected", ACTION_CHECKBOX_NAME: [pending.pk, published.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert "Approved 1 listing." in page
    assert "Already live" in page and "Cannot approve a listing that is published" in page


def test_bulk_reject_asks_for_a_reason_first(client, moderator):
    listings = PendingListingFactory.create_batch(2)
    client.force_login(moderator)
    ids = [x.pk for x in listings]
    response = client.post(QUEUE_URL, {"action": "reject_selected", ACTION_CHECKBOX_NAME: ids})
    assert response.status_code == 200
    assert "Reject these listings?" in response.content.decode()
    assert not ListingEvent.objects.exists()

    response = client.post(
        QUEUE_URL, {"action": "reject_selected", ACTION_CHECKBOX_NAME: ids, "apply": "1"}
    )
    assert response.status_code == 200
    assert "A rejection needs a reason" in response.content.decode()
    assert not ListingEvent.objects.exists()

    client.post(
        QUEUE_URL,
        {
            "action": "reject_selected",
            ACTION_CHECKBOX_NAME: ids,
            "apply": "1",
            "canned_reason": "duplicate",
        },
    )
    for listing in listings:
        _assert_decided(listing, moderator, "rejected", "duplicates")


def test_superuser_can_moderate(client, superuser):
    listing = PendingListingFactory()
    client.force_login(superuser)
    client.post(moderate_url(listing), {"decision": "approve"})
    _assert_decided(listing, superuser, "published")


@pytest.mark.parametrize("method", ["get", "post"])
def test_non_moderator_gets_403_on_the_review_page(client, staff_without_moderation, method):
    listing = PendingListingFactory()
    client.force_login(staff_without_moderation)
    response = getattr(client, method)(moderate_url(listing), {"decision": "approve"})
    assert response.status_code == 403
    listing.refresh_from_db()
    assert listing.status == "pending"
    assert not ListingEvent.objects.exists()


@pytest.mark.parametrize("action", ["approve_selected", "reject_selected"])
def test_non_moderator_gets_403_on_moderation_actions(client, staff_without_moderation, action):
    listing = PendingListingFactory()
    client.force_login(staff_without_moderation)
    assert client.get(LISTINGS_URL).status_code == 200  # may see listings...
    response = client.post(
        LISTINGS_URL,
        {"action": action, ACTION_CHECKBOX_NAME: [listing.pk], "apply": "1", "details": "No"},
    )
    assert response.status_code == 403  # ...but not decide
    listing.refresh_from_db()
    assert listing.status == "pending"
    assert not ListingEvent.objects.exists()


def test_non_moderator_cannot_open_the_queue(client, staff_without_moderation):
    client.force_login(staff_without_moderation)
    assert client.get(QUEUE_URL).status_code == 403


def test_moderation_actions_are_not_offered_to_non_moderators(client, staff_without_moderation):
    PendingListingFactory()
    client.force_login(staff_without_moderation)
    page = client.get(LISTINGS_URL).content.decode()
    assert "approve_selected" not in page


def test_lab_staff_and_students_cannot_reach_the_admin(client, lab_staff, student):
    listing = PendingListingFactory()
    for user in (lab_staff, student):
        client.force_login(user)
        response = client.post(moderate_url(listing), {"decision": "approve"})
        assert response.status_code == 302 and "/admin/login/" in response.url
    listing.refresh_from_db()
    assert listing.status == "pending"


def test_status_cannot_be_edited_directly_in_the_change_form(client, superuser):
    listing = PendingListingFactory()
    client.force_login(superuser)
    form = client.get(reverse("admin:listings_listing_change", args=[listing.pk]))
    assert 'name="status"' not in form.content.decode()
    assert moderate_url(listing) in form.content.decode()


def test_approving_a_new_lab_makes_its_founder_its_staff(client, moderator):
    founder = LabStaffProfileFactory(lab__approved=False, status="unconfirmed")
    lab = founder.lab
    Lab.objects.filter(pk=lab.pk).update(requested_by=founder.user)
    bystander = LabStaffProfileFactory(lab=lab, status="requested")
    client.force_login(moderator)
    response = client.post(
        reverse("admin:listings_lab_changelist"),
        {"action": "approve_labs", ACTION_CHECKBOX_NAME: [lab.pk]},
        follow=True,
    )
    assert "Approved 1 lab." in response.content.decode()
    lab.refresh_from_db()
    founder.refresh_from_db()
    bystander.refresh_from_db()
    assert lab.approved and founder.status == "active" and bystander.status == "requested"
    assert founder.events.last().actor == moderator
    assert LogEntry.objects.filter(user=moderator).count() == 1


def test_a_moderator_approves_a_request_to_join_in_the_admin(
    client, moderator, django_capture_on_commit_callbacks
):
    profile = LabStaffProfileFactory(status="requested")
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:accounts_labstaffprofile_changelist"),
            {"action": "approve_selected", ACTION_CHECKBOX_NAME: [profile.pk]},
        )
    profile.refresh_from_db()
    assert profile.status == "active" and profile.events.last().actor == moderator
    assert [message.to for message in mail.outbox] == [[profile.user.email]]


def test_lab_change_page_has_its_staff_inline(client, superuser):
    profile = LabStaffProfileFactory(title="Research coordinator")
    client.force_login(superuser)
    page = client.get(reverse("admin:listings_lab_change", args=[profile.lab.pk])).content.decode()
    assert "Research coordinator" in page and "Staff" in page  # the member's status


def _count(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "url",
    [
        QUEUE_URL,
        LISTINGS_URL,
        reverse("admin:listings_lab_changelist"),
        reverse("admin:accounts_labstaffprofile_changelist"),
        reverse("admin:listings_application_changelist"),
    ],
)
def test_admin_changelists_do_not_query_per_row(client, superuser, url):
    client.force_login(superuser)

    def add_rows(n):
        for _ in range(n):
            lab = LabFactory()
            PendingListingFactory(lab=lab)
            PublishedListingFactory(lab=lab)
            LabStaffProfileFactory(lab=lab)

    add_rows(2)
    few = _count(client, url)
    add_rows(8)
    assert _count(client, url) == few


def test_moderators_group_has_the_moderation_permission():
    from django.contrib.auth.models import Group

    group = Group.objects.get(name="Moderators")
    assert group.permissions.filter(codename="moderate_listing").exists()
    assert Listing._meta.permissions == [("moderate_listing", "Can approve or reject listings")]


def test_each_decision_goes_on_to_the_next_listing_waiting(client, moderator):
    """Approve and next: one click per clean listing, oldest submission first, then
    back to the queue when none is left."""
    now = timezone.now()
    first, second, third = (
        PendingListingFactory(title=title, submitted_at=now - timezone.timedelta(hours=hours))
        for title, hours in (("First", 30), ("Second", 20), ("Third", 10))
    )
    client.force_login(moderator)
    page = client.get(moderate_url(first)).content.decode()
    assert "Approve and next" in page and "3 listings waiting" in page
    assert client.post(moderate_url(first), {"decision": "approve"}).url == moderate_url(second)
    rejected = client.post(moderate_url(second), {"decision": "reject", "canned_reason": "not_lab"})
    assert rejected.url == moderate_url(third)
    assert client.post(moderate_url(third), {"decision": "approve"}).url == QUEUE_URL
    assert [listing.status for listing in Listing.objects.order_by("submitted_at")] == [
        "published", "rejected", "published",
    ]  # fmt: skip


def test_the_review_page_shows_everything_students_will_see(client, moderator):
    from listings.models import Certification

    listing = PendingListingFactory(
        skills=["pipetting"], start_date=timezone.localdate() + timezone.timedelta(days=30),
        benefits=["mentorship"], levels=["ms1"], schedules=["weekends"],
    )  # fmt: skip
    certification = Certification.objects.order_by("name").first()
    listing.certifications.set([certification])
    client.force_login(moderator)
    page = client.get(moderate_url(listing)).content.decode()
    for shown in ("pipetting", certification.name, "Weekends", "MS1", "on LabJobs",
                  listing.get_absolute_url(), "first listing"):  # fmt: skip
        assert shown in page, shown


def test_the_queue_links_each_title_to_its_review(client, moderator):
    listing = PendingListingFactory(title="Zebrafish aide")
    client.force_login(moderator)
    page = client.get(QUEUE_URL).content.decode()
    assert f'<a href="{moderate_url(listing)}">Zebrafish aide</a>' in page


def test_the_admin_index_and_sidebar_say_how_many_listings_wait(client, moderator):
    PendingListingFactory.create_batch(2)
    client.force_login(moderator)
    assert "Pending review (2)" in client.get(reverse("admin:index")).content.decode()
    assert "Pending review (2)" in client.get(QUEUE_URL).content.decode()  # the sidebar


def test_bulk_reject_can_be_cancelled(client, moderator):
    listing = PendingListingFactory()
    client.force_login(moderator)
    page = client.post(QUEUE_URL, {"action": "reject_selected", ACTION_CHECKBOX_NAME: [listing.pk]})
    assert f'href="{QUEUE_URL}" class="button cancel-link">Cancel</a>' in page.content.decode()
    listing.refresh_from_db()
    assert listing.status == "pending"
