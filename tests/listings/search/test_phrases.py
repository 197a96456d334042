"""Phrases are found by their pairs of adjacent words (migration 0024): the pairs may
let a listing through to the exact phrase check, never keep a match out."""

import contextlib
import random
from unittest import mock

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import listings.models.managers
from listings.models import Listing
from tests.support.db import kept_for_module
from tests.support.factories import PublishedListingFactory

VOCABULARY = ["sample", "preparation", "blood", "draw", "of", "the", "tissue", "culture"]


def matches(text, *, pairs=True):
    """Titles of the listings `text` finds; with `pairs=False`, by the exact phrase
    check alone."""
    without = mock.patch.object(listings.models.managers, "phrase_filter", return_value=None)
    with contextlib.nullcontext() if pairs else without:
        return set(Listing.objects.public().search(text).values_list("title", flat=True))


@pytest.mark.django_db
def test_the_trigger_keeps_each_listings_word_pairs():
    listing = PublishedListingFactory(title="Sample preparation aide")

    def pairs_are_current():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT phrase_pairs = listings_word_pairs(search_vector), "
                "phrase_pairs @> listings_phrase_pairs('labjobs', 'sample preparation') "
                "FROM listings_listing WHERE id = %s",
                [listing.pk],
            )
            return cursor.fetchone()

    assert pairs_are_current() == (True, True)
    listing.title = "Tissue culture aide"
    listing.save()
    assert pairs_are_current() == (True, False)


@pytest.mark.django_db
def test_phrases_find_the_same_listings_with_and_without_their_pairs():
    PublishedListingFactory(title="Sample preparation aide", description="Bench work.")
    PublishedListingFactory(title="Lab aide", description="Daily specimen preparation.")
    PublishedListingFactory(title="Lab aide 2", description="Préparation of each sample.")
    # Title and description are apart (role types and the lab between): no phrase.
    PublishedListingFactory(title="Sample", description="Preparation starts the text.")
    PublishedListingFactory(title="Blood draw tech", description="Sample of preparation.")

    for text, expected in [
        ('"sample preparation"', {"Sample preparation aide", "Lab aide"}),
        ('"SAMPLE PRÉPARATION"', {"Sample preparation aide", "Lab aide"}),
        ('"sample of preparation"', {"Blood draw tech"}),  # words apart: no pairs
        (
            '"preparation"',
            {"Sample preparation aide", "Lab aide", "Lab aide 2", "Sample", "Blood draw tech"},
        ),  # fmt: skip
        (
            '"sample preparation" or "blood draw"',
            {"Sample preparation aide", "Lab aide", "Blood draw tech"},
        ),  # fmt: skip
        ('"sample preparation" aide', {"Sample preparation aide", "Lab aide"}),
        ('"sample preparation', {"Sample preparation aide", "Lab aide"}),
    ]:
        assert matches(text) == expected, text
        assert matches(text, pairs=False) == expected, text
    # A negated phrase is not looked up by its pairs; it is left out all the same,
    # with its synonyms ("specimen preparation").
    assert matches('aide -"sample preparation"') == {"Lab aide 2"}
    assert matches('aide -"sample preparation"', pairs=False) == {"Lab aide 2"}


@pytest.fixture(scope="module")
def random_texts(django_db_setup, django_db_blocker):
    """Thirty listings of random words from a small vocabulary, made once."""
    rng = random.Random(20261127)  # noqa: S311
    with kept_for_module(django_db_blocker):
        for n in range(30):
            words = " ".join(rng.choice(VOCABULARY) for _ in range(rng.randint(3, 12)))
            PublishedListingFactory(title=f"Listing {n}", description=words, responsibilities="")
        yield


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(phrase=st.lists(st.sampled_from(VOCABULARY), min_size=2, max_size=4))
def test_the_pairs_never_keep_a_phrase_match_out(random_texts, phrase):
    text = f'"{" ".join(phrase)}"'
    assert matches(text) == matches(text, pairs=False)


@pytest.mark.django_db
def test_the_planner_expects_a_phrase_to_keep_nearly_all_of_its_pairs_listings():
    """The exact check after the pairs is written so that the planner's guess of it
    is nearly every row: the pairs and the phrase are nearly the same listings, and a
    halved guess made a search count 6,853 listings exactly in place of a sample
    (search.counts decides on the planner's estimate)."""
    from listings.search.counts import planned_rows
    from listings.search.query import phrase_filter

    for n in range(60):
        PublishedListingFactory(
            title=f"Aide {n}",
            description="Sample preparation daily." if n % 2 else "Tissue culture daily.",
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE listings_listing")
    public = Listing.objects.public()
    by_pairs = planned_rows(public.filter(phrase_filter('"sample preparation"')))
    searched = planned_rows(public.search('"sample preparation"'))
    assert by_pairs > 0
    assert searched >= 0.9 * by_pairs  # the CASE written before gave half


@pytest.mark.django_db
def test_the_planner_keeps_more_of_the_word_pairs_than_of_other_columns():
    """300 statistics for the pairs (migration 0033): the 3,000 most common pairs are
    known to the planner, so a phrase in 1% of a million listings is planned near its
    count (6,866 for 6,914), not as a rare pair (4,261), and counted from a sample."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, attstattarget FROM pg_attribute "
            "WHERE attrelid = 'listings_listing'::regclass "
            "AND attname IN ('phrase_pairs', 'search_vector')"
        )
        targets = dict(cursor.fetchall())
    assert targets["phrase_pairs"] == 300
    assert targets["search_vector"] in (None, -1)  # PostgreSQL's default (18: NULL)
