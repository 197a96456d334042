"""A search with a word no listing mentions ("phlebotomy zxqv") finds nothing: on a
large board whose planner expects few matches, the page checks its words first and
shows the best matches of the others at once, without counting and ranking the
words that cannot match (search.page._likely_finds_nothing). The page is the one
the search gives after finding nothing."""

from functools import partial

import pytest
from django.urls import reverse

import listings.search.counts
import listings.search.page
from listings.filters import ListingFilter
from listings.models import Listing
from listings.search.catalogue import forget_catalogue
from listings.search.page import run_search
from tests.support.factories import PublishedListingFactory
from tests.support.ranking import rank_as_a_large_board

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(monkeypatch, settings):
    """Twelve listings: eight mention phlebotomy (four in the title), four do not; a
    board counted by sample (APPROX_ABOVE scaled down), whose ranking of a search
    that finds nothing is as on a large board."""
    listing = partial(PublishedListingFactory, role_types=[])
    for n in range(4):
        listing(title=f"Phlebotomy aide {'ABCD'[n]}", description="Draw blood at the clinic.")
        listing(title=f"Clinic helper {'ABCD'[n]}", description="Phlebotomy and records.")
        listing(title=f"Office aide {'ABCD'[n]}", description="Filing and mail.")
    monkeypatch.setattr(listings.search.counts, "APPROX_ABOVE", 5)
    rank_as_a_large_board(monkeypatch, settings, EXACT_RANK_MAX=3, HEADLINE_FEW=2)
    yield
    forget_catalogue()


@pytest.fixture
def counted(monkeypatch) -> list[str]:
    """The words of each search the page counted, in order."""
    made = []
    search_counts = listings.search.page.search_counts

    def recorded(listing_filter, *args, **kwargs):
        made.append(listing_filter.form.cleaned_data["q"])
        return search_counts(listing_filter, *args, **kwargs)

    monkeypatch.setattr(listings.search.page, "search_counts", recorded)
    return made


def page_of(words: str):
    listing_filter = ListingFilter({"q": words}, queryset=Listing.objects.public())
    result = run_search(listing_filter, page="1")
    return result, [row.pk for row in result.listings]


@pytest.mark.usefixtures("board")
def test_a_word_no_listing_mentions_is_left_out_before_counting(monkeypatch, counted):
    monkeypatch.setattr(listings.search.page, "NOTHING_LIKELY", 0)  # never checked first
    late, late_ids = page_of("phlebotomy zxqv")
    assert counted == ["phlebotomy zxqv", "phlebotomy"]
    counted.clear()
    monkeypatch.setattr(listings.search.page, "NOTHING_LIKELY", 1)  # always checked first
    early, early_ids = page_of("phlebotomy zxqv")
    assert counted == ["phlebotomy"]  # the words with zxqv were never counted
    assert early.unknown_words == late.unknown_words == ["zxqv"]
    assert early_ids == late_ids and len(early_ids) == 8
    assert (early.total, early.facets) == (late.total, late.facets)


@pytest.mark.usefixtures("board")
def test_the_page_says_which_word_no_listing_mentions(client, monkeypatch):
    monkeypatch.setattr(listings.search.page, "NOTHING_LIKELY", 1)
    response = client.get(reverse("listings:listing_list"), {"q": "phlebotomy zxqv"})
    assert response.status_code == 200
    assert "No open listing mentions <strong>zxqv</strong>" in response.content.decode()
    assert response.context["result"].total == 8


@pytest.mark.usefixtures("board")
@pytest.mark.parametrize(
    ("words", "found"),
    [
        ("phlebotomy or zxqv", 8),  # "or": the listings with either word
        ("phlebotomy aide", 4),  # every word is mentioned: no partial matches
        ("zxqv qwzx", 0),  # no word is mentioned: nothing, as before
    ],
)
def test_words_that_may_all_match_are_searched_as_typed(words, found, monkeypatch, counted):
    monkeypatch.setattr(listings.search.page, "NOTHING_LIKELY", 1)
    result, ids = page_of(words)
    assert result.unknown_words == [] and len(ids) == result.total == found
    assert counted == [words]
