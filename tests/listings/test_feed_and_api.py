"""The Atom feed and the JSON API run the same search as the page; JSON-LD is safe."""

import json
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.factories import (
    ClosedListingFactory,
    PastExpiryListingFactory,
    PendingListingFactory,
    PublishedListingFactory,
    role_type,
)

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def listings():
    PublishedListingFactory(title="Student Phlebotomist", role_types=[role_type("phlebotomist")])
    PublishedListingFactory(title="Phlebotomy aide", compensation="paid", pay_rate=Decimal("20"))
    PublishedListingFactory(title="Data analyst")
    PendingListingFactory(title="Phlebotomy pending")
    ClosedListingFactory(title="Phlebotomy closed")
    PastExpiryListingFactory(title="Phlebotomy past expiry")


def test_feed_is_atom_of_the_same_search(client, listings):
    response = client.get(reverse("listings:listing_feed"), {"q": "phlebotomy"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    titles = [entry.find(f"{ATOM}title").text for entry in feed.findall(f"{ATOM}entry")]
    assert sorted(t.split(" — ")[0] for t in titles) == ["Phlebotomy aide", "Student Phlebotomist"]
    page = client.get(reverse("listings:listing_list"), {"q": "phlebotomy"})
    assert {x.title for x in page.context["result"].listings} == {t.split(" — ")[0] for t in titles}
    assert feed.find(f"{ATOM}id") is not None and feed.find(f"{ATOM}updated") is not None
    assert "“phlebotomy”" in feed.find(f"{ATOM}title").text


def test_feed_title_has_the_words_as_typed(client, listings):
    """A place or "remote" among the words becomes a filter: the feed still says what
    the student subscribed to."""
    response = client.get(reverse("listings:listing_feed"), {"q": "remote phlebotomy  jobs"})
    title = ET.fromstring(response.content).find(f"{ATOM}title").text
    assert title == "LabJobs: “remote phlebotomy jobs”"


def test_feed_is_newest_first_and_links_back(client, listings):
    feed = ET.fromstring(client.get(reverse("listings:listing_feed")).content)
    entries = feed.findall(f"{ATOM}entry")
    published = [entry.find(f"{ATOM}published").text for entry in entries]
    assert published == sorted(published, reverse=True)
    assert len(entries) == 3
    link = entries[0].find(f"{ATOM}link").get("href")
    assert re.match(r"http://testserver/listings/\d+/$", link)


def test_json_shape_matches_the_page(client, listings):
    response = client.get(reverse("listings:api_listings"), {"q": "phlebotomy", "comp": "paid"})
    assert response.status_code == 200
    data = response.json()
    assert data["total"] == 1 and data["total_is_capped"] is False
    (result,) = data["results"]
    assert set(result) >= {
        "id", "url", "title", "lab", "institution", "role_types", "compensation",
        "deadline", "posted_at",
    }  # fmt: skip
    assert result["title"] == "Phlebotomy aide"
    assert result["url"].startswith("http://testserver/listings/")
    assert set(data["facets"]) == {"role", "comp", "schedule", "mode", "level", "institution"}
    comp = {o["value"]: o["count"] for o in data["facets"]["comp"]}
    assert comp["paid"] == 1 and comp["volunteer"] == 1  # disjunctive: its own filter is off
    assert data["next"] is None and data["previous"] is None
    assert response["Access-Control-Allow-Origin"] == "*"


def test_json_pages_link_to_each_other(client):
    PublishedListingFactory.create_batch(25)
    data = client.get(reverse("listings:api_listings")).json()
    assert len(data["results"]) == 20 and data["previous"] is None
    assert data["next"].endswith("page=2")
    second = client.get(data["next"]).json()
    assert len(second["results"]) == 5 and second["previous"].endswith("page=1")


def test_json_reports_ignored_values(client, listings):
    data = client.get(reverse("listings:api_listings"), {"comp": "barter", "q": "analyst"}).json()
    assert "comp" in data["errors"]
    assert [r["title"] for r in data["results"]] == ["Data analyst"]


def _json_ld(page: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert match, "no JSON-LD"
    return json.loads(match.group(1))


def test_listing_page_has_a_job_posting(client):
    listing = PublishedListingFactory(
        title="Phlebotomy aide", compensation="paid", pay_rate=Decimal("19.50")
    )
    data = _json_ld(client.get(listing.get_absolute_url()).content.decode())
    assert data["@type"] == "JobPosting"
    assert data["title"] == "Phlebotomy aide"
    assert data["hiringOrganization"]["name"] == listing.lab.institution.name
    assert data["jobLocation"]["address"]["addressLocality"] == listing.lab.city
    assert data["baseSalary"]["value"] == {"@type": "QuantitativeValue", "value": 19.5,
                                           "unitText": "HOUR"}  # fmt: skip
    assert data["employmentType"] == ["PART_TIME"]
    assert data["datePosted"] and data["validThrough"]


def test_job_posting_cannot_break_out_of_its_script(client):
    title = '</script><script>alert("x")</script><!--'
    listing = PublishedListingFactory(title=title)
    page = client.get(listing.get_absolute_url()).content.decode()
    assert '<script>alert("x")' not in page
    assert _json_ld(page)["title"] == title


def test_closed_listing_has_no_job_posting(client):
    listing = ClosedListingFactory()
    assert "application/ld+json" not in client.get(listing.get_absolute_url()).content.decode()


HOSTILE = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        [
            "\x00", "x" * 10_000, '"unbalanced', "-", "or or", "!:*&|", "' OR 1=1 --",
            "<script>alert(1)</script>", "%ff%fe", "9" * 400, "-5", "1e400", "nan", "∞",
            "phlebotomy -", '""', "-(", "a & b | !c", "\ud7ff", "0",
        ]
    ),
)  # fmt: skip
PARAMS = [
    "q", "role", "comp", "schedule", "mode", "level", "institution", "city", "hours_max",
    "certs", "deadline_within", "posted_within", "sort", "page",
]  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    data=st.dictionaries(st.sampled_from(PARAMS), HOSTILE, min_size=1, max_size=4),
    endpoint=st.sampled_from(["listings:listing_list", "listings:listing_feed",
                              "listings:api_listings"]),
)  # fmt: skip
def test_hostile_parameters_never_give_a_server_error(client, data, endpoint):
    response = client.get(reverse(endpoint), data)
    has_nul = any("\x00" in key or "\x00" in value for key, value in data.items())
    assert response.status_code == (400 if has_nul else 200)
    if endpoint == "listings:listing_list" and not has_nul:
        page = response.content.decode()
        assert "<script>alert(1)</script>" not in page


def test_non_utf8_percent_escapes_are_harmless(client):
    response = client.get("/listings/?q=%ff%fe&role=%c3%28")
    assert response.status_code in (200, 400)
    response = client.get("/api/listings/?q=%ff")
    assert response.status_code in (200, 400)


def test_feed_survives_control_characters_in_search_and_listings(client):
    PublishedListingFactory(title="Bell\x07 ringer", description="Form\x0cfeed phlebotomy")
    response = client.get(reverse("listings:listing_feed"), {"q": "phlebotomy\x1b[31m"})
    assert response.status_code == 200
    feed = ET.fromstring(response.content)
    assert "\x1b" not in feed.find(f"{ATOM}title").text
    response = client.get(reverse("listings:listing_feed"))
    entry = ET.fromstring(response.content).find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}title").text.startswith("Bell ringer")
