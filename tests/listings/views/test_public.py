"""Public pages: who sees which listing, bad input, and query counts."""

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.support.factories import (
    ClosedListingFactory,
    ExpiredListingFactory,
    LabStaffFactory,
    ListingFactory,
    PastExpiryListingFactory,
    PendingListingFactory,
    PublishedListingFactory,
    RejectedListingFactory,
    role_type,
)

pytestmark = pytest.mark.django_db

STATE_FACTORIES = {
    "draft": ListingFactory,
    "pending": PendingListingFactory,
    "rejected": RejectedListingFactory,
    "published": PublishedListingFactory,
    "past_expiry": PastExpiryListingFactory,
    "closed": ClosedListingFactory,
    "expired": ExpiredListingFactory,
}
PUBLIC_PAGE_STATES = {"published", "past_expiry", "closed", "expired"}
VIEWERS = ["anonymous", "student", "other_lab_staff", "own_lab_staff", "admin"]


@pytest.fixture
def as_viewer(client, request, lab):
    def login(viewer):
        if viewer == "anonymous":
            return client
        user = {
            "student": lambda: request.getfixturevalue("student"),
            "other_lab_staff": lambda: request.getfixturevalue("other_lab_staff"),
            "own_lab_staff": lambda: LabStaffFactory(profile__lab=lab),
            "admin": lambda: request.getfixturevalue("superuser"),
        }[viewer]()
        client.force_login(user)
        return client

    return login


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("state", STATE_FACTORIES)
def test_listing_detail_visibility(state, viewer, as_viewer, lab):
    listing = STATE_FACTORIES[state](lab=lab, title="Hematology research assistant")
    response = as_viewer(viewer).get(listing.get_absolute_url())
    may_see = state in PUBLIC_PAGE_STATES or viewer in ("own_lab_staff", "admin")
    assert response.status_code == (200 if may_see else 404)
    if may_see:
        assert "Hematology research assistant" in response.content.decode()


@pytest.mark.parametrize("state", ["closed", "expired", "past_expiry"])
def test_closed_or_expired_listing_is_marked_and_takes_no_applications(client, state):
    listing = STATE_FACTORIES[state](apply_method="external", apply_url="https://lab.example/apply")
    page = client.get(listing.get_absolute_url()).content.decode()
    assert ("This listing is closed" if state == "closed" else "This listing has expired") in page
    assert "takes no applications" in page
    assert "https://lab.example/apply" not in page


def test_open_listing_shows_how_to_apply(client):
    listing = PublishedListingFactory(
        apply_method="external", apply_url="https://lab.example/apply"
    )
    page = client.get(listing.get_absolute_url()).content.decode()
    assert 'href="https://lab.example/apply"' in page


def test_own_lab_staff_sees_rejection_reason(client, lab):
    listing = RejectedListingFactory(lab=lab, rejection_reason="State the hourly rate.")
    client.force_login(LabStaffFactory(profile__lab=lab))
    page = client.get(listing.get_absolute_url()).content.decode()
    assert "State the hourly rate." in page


@pytest.mark.parametrize("state", STATE_FACTORIES)
def test_listing_list_shows_only_published_unexpired(client, state):
    listing = STATE_FACTORIES[state](title=f"Unique title {state}")
    page = client.get(reverse("listings:listing_list")).content.decode()
    assert (listing.title in page) == (state == "published")


def test_listing_list_filters_by_role_type(client):
    phlebotomy = PublishedListingFactory(
        title="Student phlebotomist", role_types=[role_type("phlebotomist")]
    )
    research = PublishedListingFactory(title="Research assistant")
    page = client.get(reverse("listings:listing_list"), {"role": "phlebotomist"}).content.decode()
    assert phlebotomy.title in page
    assert research.title not in page
    both = client.get(
        reverse("listings:listing_list"), {"role": ["phlebotomist", "research-assistant"]}
    ).content.decode()
    assert phlebotomy.title in both and research.title in both
    assert "2 open listings" in both


def test_listing_with_two_role_types_is_listed_once(client):
    PublishedListingFactory(role_types=[role_type("phlebotomist"), role_type("lab-technician")])
    response = client.get(
        reverse("listings:listing_list"), {"role": ["phlebotomist", "lab-technician"]}
    )
    assert response.context["result"].total == 1


def test_keywords_use_websearch_syntax(client):
    PublishedListingFactory(title="Phlebotomy technician", description="Draw blood at the clinic.")
    PublishedListingFactory(title="Phlebotomy and histology", description="Grossing room work.")
    url = reverse("listings:listing_list")
    assert client.get(url, {"q": "phlebotomy"}).context["result"].total == 2
    assert client.get(url, {"q": "phlebotomy -histology"}).context["result"].total == 1
    assert client.get(url, {"q": '"draw blood"'}).context["result"].total == 1


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"page": "abc"}, 200),
        ({"page": "-1"}, 200),
        ({"page": "0"}, 200),
        ({"page": "99999"}, 200),
        ({"page": "1" * 400}, 200),
        ({"role": "unknown"}, 200),
        ({"role": "'; DROP TABLE listings_listing; --"}, 200),
        ({"q": "x" * 5000}, 200),
        ({"q": '"unbalanced -'}, 200),
        ({"q": "!:*&|"}, 200),
        ({"q": "or or"}, 200),
        ({"q": "nul\x00byte"}, 400),
        ({"role": "\x00"}, 400),
        ({"unknown_param": "1"}, 200),
    ],
)
def test_bad_list_parameters_never_give_a_server_error(client, params, status):
    PublishedListingFactory()
    response = client.get(reverse("listings:listing_list"), params)
    assert response.status_code == status


def test_bad_page_says_which_page_it_shows(client):
    PublishedListingFactory.create_batch(25)
    response = client.get(reverse("listings:listing_list"), {"page": "99999"})
    assert response.context["result"].number == 2
    assert "There is no page “99999”; showing page 2 of 2." in response.content.decode()
    response = client.get(reverse("listings:listing_list"), {"page": "abc"})
    assert response.context["result"].number == 1
    assert "showing page 1 of 2" in response.content.decode()


def test_unknown_role_is_reported_beside_its_control_and_others_still_apply(client):
    PublishedListingFactory(title="Phlebotomy technician")
    PublishedListingFactory(title="Data analyst")
    response = client.get(reverse("listings:listing_list"), {"role": "unknown", "q": "phlebotomy"})
    page = response.content.decode()
    assert 'id="role-error"' in page and "unknown is not one of the available choices" in page
    assert response.context["result"].total == 1


def test_pagination_links_keep_the_filters(client):
    PublishedListingFactory.create_batch(25, role_types=[role_type("phlebotomist")])
    page = client.get(reverse("listings:listing_list"), {"role": "phlebotomist"}).content.decode()
    assert 'href="?role=phlebotomist&amp;page=2"' in page


@pytest.mark.parametrize("path", ["/listings/abc/", "/listings/999999999/", "/labs/nope/"])
def test_unknown_objects_are_404(client, path):
    assert client.get(path).status_code == 404


def _queries(client, url):
    client.get(url)  # warm the cache of filter choices
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("url_name", ["listings:listing_list", "listings:home"])
def test_list_pages_issue_the_same_queries_for_10_and_50_listings(client, url_name):
    url = reverse(url_name)
    PublishedListingFactory.create_batch(10, role_types=[role_type(), role_type("phlebotomist")])
    with_10 = _queries(client, url)
    PublishedListingFactory.create_batch(40, role_types=[role_type(), role_type("phlebotomist")])
    assert _queries(client, url) == with_10


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "phlebotomy"},
        {"q": "blood draw", "role": ["phlebotomist", "lab-technician"], "comp": "paid"},
        {"schedule": "weekdays", "level": "ms1", "mode": "on_site", "city": "Boston"},
        {"certs": ["none", "hipaa"], "hours_max": "10", "deadline_within": "30", "sort": "pay"},
        {"institution": "nope", "page": "3", "posted_within": "7", "sort": "deadline"},
    ],
)
def test_search_page_query_budget(client, django_assert_max_num_queries, params):
    PublishedListingFactory.create_batch(30, title="Phlebotomy technician")
    # Cold cache: the catalogue of choices (which also names the page's role types),
    # count, page, facets, snippets. At most 5, whatever the filters and page size,
    # and one more to look up the labs of a city or state.
    with django_assert_max_num_queries(6 if "city" in params else 5):
        assert client.get(reverse("listings:listing_list"), params).status_code == 200


def test_lab_page_lists_only_its_open_listings_with_constant_queries(client, lab):
    mine = PublishedListingFactory(lab=lab, title="Open in my lab")
    PendingListingFactory(lab=lab, title="Pending in my lab")
    PublishedListingFactory(title="Open elsewhere")
    page = client.get(lab.get_absolute_url()).content.decode()
    assert mine.title in page
    assert "Pending in my lab" not in page and "Open elsewhere" not in page
    with_one = _queries(client, lab.get_absolute_url())
    PublishedListingFactory.create_batch(10, lab=lab)
    assert _queries(client, lab.get_absolute_url()) == with_one


def test_home_counts_open_listings_per_role_type(client):
    PublishedListingFactory.create_batch(2, role_types=[role_type("phlebotomist")])
    PendingListingFactory(role_types=[role_type("phlebotomist")])
    PastExpiryListingFactory(role_types=[role_type("phlebotomist")])
    response = client.get(reverse("listings:home"))
    counts = {r.slug: r.open_count for r in response.context["role_types"]}
    assert counts["phlebotomist"] == 2
    assert counts["pathology-assistant"] == 0
    assert 'href="/listings/?role=phlebotomist"' in response.content.decode()


def test_base_template_has_landmarks_and_skip_link(client):
    page = client.get(reverse("listings:home")).content.decode()
    assert '<a class="skip-link" href="#main">' in page
    assert '<main id="main"' in page and "<header" in page and "<footer" in page
    assert '<html lang="en">' in page
    assert "https://" not in page.split("<body>")[0]  # nothing loaded from elsewhere


def test_home_role_tiles_follow_the_admin_order(client):
    response = client.get(reverse("listings:home"))
    slugs = [role.slug for role in response.context["role_types"]]
    assert slugs[:4] == [
        "research-assistant",
        "lab-technician",
        "phlebotomist",
        "pathology-assistant",
    ]


def test_hours_read_naturally(client):
    listing = PublishedListingFactory(hours_min=4, hours_max=4)
    assert "4 h/week" in client.get(listing.get_absolute_url()).content.decode()
    assert PublishedListingFactory(hours_min=6, hours_max=10).hours_label == "6–10 h/week"


def test_own_lab_page_of_a_listing_with_several_staff(client, lab):
    """Regression: with two staff in a lab, the lab's own view of a listing found it
    twice (a join through the staff) and answered 500."""
    first, _second = LabStaffFactory(profile__lab=lab), LabStaffFactory(profile__lab=lab)
    listing = ListingFactory(lab=lab)
    client.force_login(first)
    assert client.get(listing.get_absolute_url()).status_code == 200


def test_search_page_says_which_results_and_how_old_with_a_skip_link(client):
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    for n in range(23):
        PublishedListingFactory(
            title=f"Phlebotomy aide {n}", published_at=timezone.now() - timedelta(days=3),
            deadline=today + timedelta(days=5), compensation="paid", pay_rate=18,
        )  # fmt: skip
    page = client.get(reverse("listings:listing_list"), {"q": "phlebotomy", "page": "2"})
    content = page.content.decode()
    assert "21–23 of 23" in content
    assert "3 days ago" in content and "closes in 5 days" in content
    assert 'href="#results-title">Skip to results</a>' in content
    assert "paste it into a feed reader" in content
    filtered = client.get(
        reverse("listings:listing_list"), {"comp": ["paid", "credit"], "mode": "remote"}
    )
    assert filtered.context["active_filters"] == 3
    assert "(3)" in filtered.content.decode()


def test_applied_filters_are_chips_that_each_remove_one_value(client):
    PublishedListingFactory(title="Phlebotomy aide", compensation="paid", pay_rate=18)
    url = reverse("listings:listing_list")

    response = client.get(
        url,
        {"q": "phlebotomy", "comp": ["paid", "stipend"], "hours_max": "10", "state": "OH",
         "certs": "bls-cpr", "inquiries": "on", "page": "1", "role": "no-such-role"},
    )  # fmt: skip

    chips = {chip.label: QueryDict(chip.remove_query) for chip in response.context["chips"]}
    assert set(chips) == {
        "Paid",
        "Stipend",
        "At most 10 h a week",
        "State: Ohio",
        "I hold: BLS/CPR",
        "Labs open to inquiries",
    }  # fmt: skip  (the unknown role is reported beside its control, not as a chip)
    assert chips["Paid"].getlist("comp") == ["stipend"] and chips["Paid"]["q"] == "phlebotomy"
    assert "hours_max" not in chips["At most 10 h a week"]
    assert all("page" not in query for query in chips.values())
    content = response.content.decode()
    assert 'aria-label="Filters applied"' in content and "Clear all filters" in content


def test_without_words_the_sort_box_says_newest(client):
    content = client.get(reverse("listings:listing_list")).content.decode()
    assert '<option value="newest" selected>' in content
    worded = client.get(reverse("listings:listing_list"), {"q": "blood"}).content.decode()
    assert '<option value="newest" selected>' not in worded  # relevance, the first option


def test_a_search_is_saved_in_place_when_the_page_asks_for_json(client, student):
    client.force_login(student)
    save = reverse("listings:saved_search_create")
    json = {"HTTP_ACCEPT": "application/json"}

    first = client.post(save, {"query": "q=phlebotomy", "frequency": "daily"}, **json)
    again = client.post(save, {"query": "q=phlebotomy", "frequency": "daily"}, **json)
    bad = client.post(save, {"query": "hours_max=lots", "frequency": "daily"}, **json)

    assert first.status_code == 200 and first.json()["created"] is True
    assert first.json()["message"] == "Saved the search “phlebotomy”: daily email."
    assert again.json()["created"] is False and "already saved" in again.json()["message"]
    assert bad.status_code == 422 and bad.json()["saved"] is False
    page = client.get(reverse("listings:listing_list"), {"q": "phlebotomy"}).content.decode()
    assert page.index("Save this search · email me new listings") < page.index("results-title")


def test_search_cards_name_their_role_types_in_admin_order_from_the_catalogue(client):
    """The search page names a card's role types from its ids and the catalogue (no
    query for the page's role types): the names and order of the listing's own role
    types, on the page, in the JSON and in the feed; a role type unknown to the
    catalogue is left out rather than failing."""
    from listings.search.catalogue import get_catalogue

    listing = PublishedListingFactory(
        title="Phlebotomy technician", role_types=[role_type("phlebotomist"), role_type()]
    )
    expected = [each.name for each in listing.role_types.all()]  # their admin order
    assert len(expected) == 2
    response = client.get(reverse("listings:listing_list"), {"q": "phlebotomy"})
    card = response.context["result"].listings[0]
    assert card.role_names == expected
    assert "role_types" not in getattr(card, "_prefetched_objects_cache", {})
    page = response.content.decode()
    assert page.index(f'<li class="tag">{expected[0]}</li>') < page.index(
        f'<li class="tag">{expected[1]}</li>'
    )
    api = client.get(reverse("listings:api_listings"), {"q": "phlebotomy"}).json()
    assert api["results"][0]["role_types"] == expected
    feed = client.get(reverse("listings:listing_feed"), {"q": "phlebotomy"}).content.decode()
    assert all(f'term="{name}"' in feed for name in expected)
    listing.refresh_from_db()  # the ids the trigger keeps
    assert get_catalogue().role_names([*listing.facet_role_type_ids, 10**9]) == expected
