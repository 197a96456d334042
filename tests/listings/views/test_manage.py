"""/manage/: lab staff write, submit, close, renew and clone listings; the duplicate
warning; hostile and stale input."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Program
from listings.models import Listing, ListingEvent
from listings.services import listings as lab_services
from tests.support.factories import (
    LabStaffFactory,
    ListingFactory,
    PendingListingFactory,
    PublishedListingFactory,
    RejectedListingFactory,
    SubmittedApplicationFactory,
    role_type,
)

pytestmark = pytest.mark.django_db
DESCRIPTION = (
    "Join our hematology lab to process blood samples, run flow cytometry panels and "
    "keep the sample inventory. You will learn sterile technique and data entry in REDCap."
)


def listing_data(**extra):
    data = {
        "title": "Research assistant, platelet biology",
        "role_types": [role_type().pk],
        "description": DESCRIPTION,
        "responsibilities": "- Process samples",
        "skills": "pipetting, attention to detail",
        "levels": [Program.MS1, Program.PRE_MED],
        "compensation": "paid",
        "pay_rate": "17.50",
        "hours_min": "8",
        "hours_max": "12",
        "schedules": ["weekdays"],
        "work_mode": "on_site",
        "openings": "2",
        "apply_method": "labjobs",
        "action": "save",
    }
    data.update(extra)
    return data


@pytest.fixture
def staff_client(client, lab_staff):
    client.force_login(lab_staff)
    return client


def test_dashboard_groups_listings_with_applicant_counts_without_a_query_per_row(
    staff_client, lab, django_assert_max_num_queries
):
    for _ in range(5):
        listing = PublishedListingFactory(lab=lab)
        SubmittedApplicationFactory(listing=listing)
        reviewing = SubmittedApplicationFactory(listing=listing)
        reviewing.start_review(by=None)
    ListingFactory(lab=lab, title="A draft")
    PublishedListingFactory(title="Another lab's listing")

    # session, user, staff profile, listings with their counts, expiring, and the
    # navigation's count of applicants' unread messages
    with django_assert_max_num_queries(6):
        response = staff_client.get(reverse("listings:manage_dashboard"))

    content = response.content.decode()
    assert content.count("Submitted: 1 · Under review: 1") == 5
    assert "A draft" in content
    assert "Another lab's listing" not in content


def test_create_saves_a_draft_and_a_double_submit_makes_one(staff_client, lab, lab_staff):
    response = staff_client.get(reverse("listings:manage_listing_create"))
    token = response.context["form"].initial["form_token"]
    data = listing_data(form_token=str(token))

    first = staff_client.post(reverse("listings:manage_listing_create"), data)
    second = staff_client.post(reverse("listings:manage_listing_create"), data, follow=True)

    listing = Listing.objects.get()
    assert (listing.lab, listing.status, listing.created_by) == (lab, "draft", lab_staff)
    assert listing.skills == ["pipetting", "attention to detail"]
    assert first.url == reverse("listings:manage_listing", args=[listing.pk])
    assert "already saved" in second.content.decode()
    event = ListingEvent.objects.get(listing=listing)
    assert event.sentence == f"{lab_staff.get_full_name() or lab_staff.email} created the listing"


def test_a_form_token_another_lab_used_is_refused_with_a_fresh_form(staff_client, lab):
    """A copied or forged form: its token is another lab's draft's. No server error,
    nothing written, the text kept with a new token that then saves."""
    other = ListingFactory(form_token="0f5a4e2c-9d1b-4c3e-8f6a-1b2c3d4e5f60")
    data = listing_data(form_token=str(other.form_token), title="Our own opening")

    refused = staff_client.post(reverse("listings:manage_listing_create"), data)

    assert refused.status_code == 409
    assert "already used" in refused.content.decode()
    assert not Listing.objects.filter(lab=lab).exists()
    fresh = refused.context["form"]["form_token"].value()
    assert fresh != str(other.form_token)
    staff_client.post(reverse("listings:manage_listing_create"), {**data, "form_token": fresh})
    assert Listing.objects.get(lab=lab).title == "Our own opening"


def test_save_and_preview_shows_the_public_page_to_its_lab_only(staff_client, client):
    response = staff_client.post(
        reverse("listings:manage_listing_create"), listing_data(action="preview")
    )
    listing = Listing.objects.get()
    assert response.url == listing.get_absolute_url()
    assert staff_client.get(response.url).status_code == 200


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"description": "x" * 100_000}, "at most 20000 characters"),
        ({"hours_min": "20", "hours_max": "5"}, "hours"),
        ({"compensation": "volunteer", "pay_rate": "15"}, "pay"),
        ({"apply_method": "external", "apply_url": ""}, "link"),
        ({"title": ""}, "This field is required"),
    ],
    ids=[
        "100kB-description",
        "hours-backwards",
        "pay-when-unpaid",
        "external-no-link",
        "no-title",
    ],
)
def test_bad_listing_input_is_a_form_error_and_writes_nothing(staff_client, extra, message):
    response = staff_client.post(reverse("listings:manage_listing_create"), listing_data(**extra))

    assert response.status_code == 200
    assert message.lower() in response.content.decode().replace(",", "").lower()
    assert not Listing.objects.exists()


def test_html_in_a_title_is_shown_as_text(staff_client):
    staff_client.post(
        reverse("listings:manage_listing_create"),
        listing_data(title='<script>alert("x")</script> RA'),
    )
    listing = Listing.objects.get()
    content = staff_client.get(reverse("listings:manage_listing", args=[listing.pk])).content
    assert b"<script>alert" not in content
    assert b"&lt;script&gt;" in content


def test_nul_byte_is_400(staff_client):
    response = staff_client.post(
        reverse("listings:manage_listing_create"), listing_data(title="RA\x00")
    )
    assert response.status_code == 400
    assert not Listing.objects.exists()


def test_stale_edit_form_does_not_overwrite(staff_client, lab):
    listing = ListingFactory(lab=lab, title="Original")
    url = reverse("listings:manage_listing", args=[listing.pk])
    opened = staff_client.get(url).context["form"].initial["version"]
    staff_client.post(url, listing_data(title="Colleague's edit", version=opened))

    response = staff_client.post(url, listing_data(title="My edit", version=opened))

    assert "changed this listing since you opened it" in response.content.decode()
    listing.refresh_from_db()
    assert listing.title == "Colleague's edit"
    assert ListingEvent.objects.filter(listing=listing, reason__startswith="changed").count() == 1


def test_published_listing_is_not_editable_but_can_be_cloned(staff_client, lab):
    listing = PublishedListingFactory(lab=lab, deadline=timezone.localdate() + timedelta(days=9))
    listing.certifications.set([1])
    url = reverse("listings:manage_listing", args=[listing.pk])

    response = staff_client.post(url, listing_data(title="Sneaky edit"))
    assert "cannot be edited" in response.content.decode()
    listing.refresh_from_db()
    assert listing.title != "Sneaky edit"

    clone_response = staff_client.post(reverse("listings:manage_clone", args=[listing.pk]))
    clone = Listing.objects.exclude(pk=listing.pk).get()
    assert clone_response.url == reverse("listings:manage_listing", args=[clone.pk])
    assert (clone.status, clone.title, clone.deadline, clone.published_at) == (
        "draft", listing.title, None, None
    )  # fmt: skip
    assert list(clone.role_types.all()) == list(listing.role_types.all())
    assert list(clone.certifications.values_list("pk", flat=True)) == [1]
    assert "Cloned from" in clone.events.get().reason


def test_submit_and_resubmit_after_rejection(staff_client, lab):
    listing = RejectedListingFactory(lab=lab)
    url = reverse("listings:manage_listing", args=[listing.pk])
    page = staff_client.get(url).content.decode()
    assert "Please state the hourly rate." in page  # the reason, beside the form

    staff_client.post(url, listing_data(version=listing.updated_at.isoformat()))
    staff_client.post(reverse("listings:manage_submit", args=[listing.pk]))

    listing.refresh_from_db()
    assert listing.status == "pending"


def test_trusted_lab_publishes_without_review(staff_client, lab):
    lab.trusted = True
    lab.save()
    listing = ListingFactory(lab=lab)
    staff_client.post(reverse("listings:manage_submit", args=[listing.pk]))
    listing.refresh_from_db()
    assert listing.status == "published" and listing.expires_at


@pytest.mark.parametrize(
    ("status", "says"),
    [("requested", "waiting for its staff"), ("unconfirmed", "confirm your address"),
     ("declined", "did not take you on"), ("removed", "no longer staff")],
)  # fmt: skip
def test_members_who_are_not_staff_see_and_do_nothing(client, lab, status, says):
    listing = PublishedListingFactory(lab=lab)
    client.force_login(LabStaffFactory(profile__lab=lab, profile__status=status))

    page = client.get(reverse("listings:manage_dashboard"))
    created = client.post(reverse("listings:manage_listing_create"), listing_data())
    closed = client.post(reverse("listings:manage_close", args=[listing.pk]), {"reason": "filled"})

    assert page.status_code == created.status_code == closed.status_code == 403
    assert says in page.content.decode()
    assert Listing.objects.filter(lab=lab).count() == 1
    listing.refresh_from_db()
    assert listing.status == "published"


def test_the_founder_of_a_lab_not_yet_approved_waits_with_it(client, lab):
    lab.approved = False
    lab.save()
    client.force_login(LabStaffFactory(profile__lab=lab))
    page = client.get(reverse("listings:manage_dashboard"))
    assert page.status_code == 403 and "waiting for a LabJobs admin" in page.content.decode()
    assert client.get(lab.get_absolute_url()).status_code == 404  # hidden until approved


def test_close_needs_a_reason_and_illegal_moves_are_refused(staff_client, lab):
    listing = PublishedListingFactory(lab=lab)
    close = reverse("listings:manage_close", args=[listing.pk])

    no_reason = staff_client.post(close, follow=True)
    assert "Say why the listing closes" in no_reason.content.decode()
    staff_client.post(close, {"reason": "filled"})
    listing.refresh_from_db()
    assert listing.status == "closed"
    assert listing.events.last().reason == "The position was filled"

    again = staff_client.post(close, {"reason": "filled"}, follow=True)
    assert "Cannot close" in again.content.decode()
    draft = ListingFactory(lab=lab)
    response = staff_client.post(reverse("listings:manage_withdraw", args=[draft.pk]), follow=True)
    assert "Cannot withdraw" in response.content.decode()


def test_renew_extends_by_thirty_days(staff_client, lab):
    listing = PublishedListingFactory(lab=lab, expires_at=timezone.now() + timedelta(days=3))
    renew = reverse("listings:manage_renew", args=[listing.pk])
    assert "Renew for 30 days" in staff_client.get(renew).content.decode()

    staff_client.post(renew)

    listing.refresh_from_db()
    assert listing.expires_at > timezone.now() + timedelta(days=32)


# -- duplicates -----------------------------------------------------------------------


def test_near_identical_listing_is_flagged_and_may_still_be_submitted(staff_client, lab, other_lab):
    original = PublishedListingFactory(
        lab=other_lab, title="Research assistant, platelet biology", description=DESCRIPTION
    )
    copy = ListingFactory(
        lab=lab, title="Research Assistant - platelet biology", description=DESCRIPTION + " Apply!"
    )
    submit = reverse("listings:manage_submit", args=[copy.pk])

    warning = staff_client.post(submit)
    assert warning.status_code == 409
    assert original.get_absolute_url() in warning.content.decode()
    copy.refresh_from_db()
    assert copy.status == "draft"

    staff_client.post(submit, {"confirm_duplicate": "yes"})
    copy.refresh_from_db()
    assert (copy.status, copy.duplicate_of) == ("pending", original)
    assert copy.duplicate_similarity > lab_services.DUPLICATE_THRESHOLD


def test_another_labs_unpublished_duplicate_is_not_shown(staff_client, lab, other_lab):
    """Compared all the same, but its title, lab and likeness stay private: the poster
    is told that a moderator will look at the pair."""
    PendingListingFactory(
        lab=other_lab, title="Secret platelet project", description=DESCRIPTION,
        submitted_at=timezone.now(),
    )  # fmt: skip
    copy = ListingFactory(lab=lab, title="Secret platelet project", description=DESCRIPTION)

    warning = staff_client.post(reverse("listings:manage_submit", args=[copy.pk]))

    page = warning.content.decode()
    assert warning.status_code == 409
    assert "not public yet" in page and "A moderator will look" in page
    assert other_lab.name not in page and "% alike" not in page
    staff_client.post(
        reverse("listings:manage_submit", args=[copy.pk]), {"confirm_duplicate": "yes"}
    )
    copy.refresh_from_db()
    assert copy.duplicate_of is not None  # moderators still see the pair


def test_different_listing_is_not_flagged(staff_client, lab):
    PublishedListingFactory(title="Phlebotomist, weekend clinic", description="Draw blood.")
    PendingListingFactory(title="Data analyst, genomics", description="Python and R pipelines.")
    listing = ListingFactory(lab=lab, title="Research assistant", description=DESCRIPTION)

    response = staff_client.post(reverse("listings:manage_submit", args=[listing.pk]))

    assert response.status_code == 302
    listing.refresh_from_db()
    assert (listing.status, listing.duplicate_of) == ("pending", None)


def test_old_listings_are_not_duplicates(lab):
    PublishedListingFactory(
        title="Research assistant", description=DESCRIPTION,
        published_at=timezone.now() - timedelta(days=120),
    )  # fmt: skip
    listing = ListingFactory(lab=lab, title="Research assistant", description=DESCRIPTION)
    assert lab_services.likely_duplicates(listing) == []


def test_moderators_see_the_duplicate_pair(client, moderator, lab, other_lab):
    original = PublishedListingFactory(lab=other_lab, title="Flow RA", description=DESCRIPTION)
    copy = PendingListingFactory(
        lab=lab, title="Flow RA", description=DESCRIPTION, duplicate_of=original,
        duplicate_similarity=0.93,
    )  # fmt: skip
    client.force_login(moderator)

    queue = client.get(reverse("admin:listings_pendinglisting_changelist")).content.decode()
    review = client.get(reverse("admin:listings_listing_moderate", args=[copy.pk])).content.decode()

    assert "93% alike" in queue and original.get_absolute_url() in queue
    assert "Possible duplicate" in review
