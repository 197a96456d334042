"""Nothing of one lab reaches another: every /manage/ URL, GET and POST, for staff of
another lab (404, and nothing changes), students and admins (403) and anonymous
visitors (log in). The authorization matrix checks the answers for every URL; this
also checks, with lab Y's objects in the state each action needs, that no row moved.

The table below must name every URL under /manage/: the test walks the URLconf, so a
new /manage/ URL without a row fails until someone decides what it exposes."""

import pytest
from django.urls import reverse

from accounts.models import LabStaffProfile
from listings.models import Application, Listing
from tests.support.factories import (
    LabStaffFactory,
    LabStaffProfileFactory,
    ListingFactory,
    PublishedListingFactory,
    StudentFactory,
    SubmittedApplicationFactory,
)
from tests.support.urls import all_url_names

pytestmark = pytest.mark.django_db

# URL name -> the lab-Y object its <pk> names (None: the URL has no object).
MANAGE_URLS = {
    "manage_dashboard": None,
    "manage_lab": None,
    "manage_listing_create": None,
    "manage_listing": "draft",
    "manage_submit": "draft",
    "manage_withdraw": "pending",
    "manage_close": "published",
    "manage_renew": "published",
    "manage_clone": "published",
    "manage_applicants": "published",
    "manage_applicants_csv": "published",
    "manage_not_selected": "published",
    "manage_applicant": "application",
    "manage_applicant_move": "application",
    "manage_applicant_review": "application",
    "manage_applicant_message": "application",
    "manage_applicant_interview": "application",
    "manage_applicant_cv": "application",
    "manage_members": None,
    "manage_member_approve": "request",
    "manage_member_decline": "request",
    "manage_member_remove": "member",
}


def manage_url_names() -> set[str]:
    """Names of every URL whose path starts with manage/ (the shared URLconf walker)."""
    return {
        name.split(":")[-1]
        for name, route in all_url_names().items()
        if route.startswith("manage/")
    }


def test_every_manage_url_is_in_the_table():
    assert manage_url_names() == set(MANAGE_URLS)


@pytest.fixture
def lab_y(other_lab):
    """Lab Y's objects, with a state and content that must never reach lab X."""
    published = PublishedListingFactory(lab=other_lab, title="Lab Y secret opening")
    application = SubmittedApplicationFactory(listing=published, cover_letter="Lab Y letter")
    return {
        "draft": ListingFactory(lab=other_lab, title="Lab Y draft"),
        "pending": ListingFactory(lab=other_lab, status="pending"),
        "published": published,
        "application": application,
        "request": LabStaffProfileFactory(lab=other_lab, status="requested"),
        "member": LabStaffProfileFactory(lab=other_lab),
    }


def url_for(name, lab_y):
    kind = MANAGE_URLS[name]
    return reverse(f"listings:{name}", args=[lab_y[kind].pk] if kind else [])


def snapshot():
    return (
        sorted(Listing.objects.values_list("pk", "status", "title", "expires_at")),
        sorted(Application.objects.values_list("pk", "status")),
        sorted(LabStaffProfile.objects.values_list("pk", "status")),
        Listing.objects.count(),
    )


@pytest.mark.parametrize("name", sorted(MANAGE_URLS))
def test_staff_of_lab_x_get_404_for_lab_y_and_change_nothing(client, lab, lab_y, name):
    client.force_login(LabStaffFactory(profile__lab=lab))
    url = url_for(name, lab_y)
    before = snapshot()

    get = client.get(url)
    post = client.post(
        url,
        {"reason": "filled", "move": "make_offer", "body": "hi", "note": "x",
         "applications": [lab_y["application"].pk], "confirm_duplicate": "yes",
         "open_to_inquiries": "on"},
    )  # fmt: skip

    if MANAGE_URLS[name] is None:
        # No object in the URL: lab X's own page, without a trace of lab Y.
        for response in (get, post):
            assert response.status_code in (200, 302, 405)
            assert b"Lab Y" not in response.content
    else:
        # 405 answers a method the URL never takes, whatever the object: it tells nothing.
        assert {get.status_code, post.status_code} in ({404}, {404, 405})
    after = snapshot()
    if name == "manage_listing_create":
        after = (after[0], after[1], before[2])  # lab X may create its own draft here
    else:
        assert after == before
    assert before[1] == after[1]


@pytest.mark.parametrize("name", sorted(MANAGE_URLS))
def test_students_and_admins_get_403_and_anonymous_log_in(client, lab_y, name, superuser):
    url = url_for(name, lab_y)

    # 405 answers a method the URL never takes; the method it takes decides access.
    anonymous = [client.get(url), client.post(url)]
    assert {r.status_code for r in anonymous} in ({302}, {302, 405})
    assert all(
        r.url.startswith(reverse("account_login")) for r in anonymous if r.status_code == 302
    )
    for user in (StudentFactory(), superuser):
        client.force_login(user)
        statuses = {client.get(url).status_code, client.post(url, {"reason": "filled"}).status_code}
        assert statuses in ({403}, {403, 405})
