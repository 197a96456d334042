"""A search's words and its place: words in most listings are checked on the place's
few listings rather than also looked up in the word index (ListingFilter.
filter_text); rare words keep the index. Both find the same listings."""

import pytest
from django.db import connection
from django.http import QueryDict

from listings.filters import ListingFilter
from listings.models import Listing
from listings.search.facets import apply_filters
from listings.search.understand import understand
from tests.support.factories import LabFactory, PublishedListingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def board():
    """60 research listings in Chicago, 3 in Boston, one of them about zebrafish;
    analyzed, so that the planner knows how many each city and word has."""
    chicago, boston = LabFactory(city="Chicago"), LabFactory(city="Boston")
    PublishedListingFactory.create_batch(60, lab=chicago, title="Research aide")
    PublishedListingFactory.create_batch(2, lab=boston, title="Research aide")
    PublishedListingFactory(lab=boston, title="Research aide, zebrafish facility")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE listings_listing")


def matching(query: str):
    listing_filter = ListingFilter(QueryDict(query), queryset=Listing.objects.public())
    listing_filter.is_valid()
    understand(listing_filter.form.cleaned_data)  # "research boston": Boston is the city
    return apply_filters(listing_filter, listing_filter.queryset)


def looks_up_the_word_index(queryset) -> bool:
    """A condition on the vector outside the exact checks (CASE WHEN ..., and a
    phrase's NULLIF(...) IS NOT NULL), which the planner may answer from the word
    index."""
    sql = str(queryset.query)
    checked = sql.count('CASE WHEN ("listings_listing"."search_vector" @@') + sql.count(
        'NULLIF("listings_listing"."search_vector" @@'
    )
    return sql.count('"search_vector" @@') > checked


def test_words_in_most_listings_are_checked_on_a_small_citys_listings(board):
    found = matching("q=research+boston")
    assert not looks_up_the_word_index(found)
    assert found.count() == 3
    assert set(found) == set(Listing.objects.public().search("research").filter(lab__city="Boston"))


def test_rare_words_and_searches_without_a_place_keep_the_word_index(board):
    rare = matching("q=zebrafish+boston")
    assert looks_up_the_word_index(rare)
    assert [listing.title for listing in rare] == ["Research aide, zebrafish facility"]
    everywhere = matching("q=research")
    assert looks_up_the_word_index(everywhere) and everywhere.count() == 63


def test_the_page_finds_the_same_either_way(client, board):
    response = client.get("/listings/", {"q": "research boston"})
    assert response.status_code == 200
    assert response.context["result"].total == 3


def test_a_page_served_from_the_search_cache_asks_no_plan(client, board, settings):
    """The choice is kept with the search's counts: the second visit of the same
    words and place reads it from the search cache instead of asking the planner."""
    from django.core.cache import caches
    from django.test.utils import CaptureQueriesContext

    settings.SEARCH_CACHE_SECONDS = 60
    caches["search"].clear()
    params = {"q": "research boston"}
    with CaptureQueriesContext(connection) as first:
        assert client.get("/listings/", params).status_code == 200
    with CaptureQueriesContext(connection) as again:
        assert client.get("/listings/", params).status_code == 200
    plans = [q["sql"] for q in first.captured_queries if q["sql"].startswith("EXPLAIN")]
    assert any(" UNION ALL " in plan for plan in plans)  # the words' and the place's
    assert not [q for q in again.captured_queries if q["sql"].startswith("EXPLAIN")]
    assert again.captured_queries and not looks_up_the_word_index(matching("q=research+boston"))


def test_the_filter_says_whether_its_words_use_the_word_index(board):
    """What a sample of the first buckets reads its words from (search.counts): the
    filter's answer agrees with the statement its filters wrote."""
    for query, indexed in [
        ("q=research+boston", False),  # checked on Boston's listings
        ("q=zebrafish+boston", True),
        ("q=research", True),
        ("q=%22research+aide%22", False),  # a phrase: found by its word pairs
        ("comp=paid", False),  # no words
    ]:
        listing_filter = ListingFilter(QueryDict(query), queryset=Listing.objects.public())
        listing_filter.is_valid()
        understand(listing_filter.form.cleaned_data)
        found = apply_filters(listing_filter, listing_filter.queryset)
        assert listing_filter.words_use_index() is indexed, query
        assert looks_up_the_word_index(found) is indexed, query


def test_the_places_and_the_words_estimates_come_from_one_plan(
    board, django_assert_num_queries, django_assert_max_num_queries
):
    """A place among the words asks the planner for two estimates in one EXPLAIN (one
    round trip), the same as each asked alone; a condition nothing meets is 0."""
    from listings.search.counts import planned_rows, planned_rows_each

    public = Listing.objects.public()
    boston = Listing.objects.filter(lab__city="Boston").values_list("lab_id", flat=True)
    at_place = public.filter(lab_id__in=sorted(set(boston)))  # as the filter asks
    with_words = public.search("research")
    alone = [planned_rows(at_place), planned_rows(with_words)]
    with django_assert_num_queries(1):
        assert planned_rows_each(at_place, with_words) == alone
    assert alone[0] < alone[1]
    with django_assert_max_num_queries(1):
        assert planned_rows_each(public.filter(id__in=[]), with_words) == [0, alone[1]]
