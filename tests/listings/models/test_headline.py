"""The narrow headline table that broad searches rank on is kept by the database: a
row for every published listing, current with its title and role types, gone when it
leaves the published state or is deleted."""

import pytest
from django.contrib.postgres.search import SearchQuery

from listings.models import Listing, ListingHeadline
from listings.search.query import headline_query, rank_query
from tests.support.factories import ListingFactory, PublishedListingFactory, role_type

pytestmark = pytest.mark.django_db


def headline_matches(listing, words: str) -> bool:
    query = SearchQuery(words, config="labjobs")
    return ListingHeadline.objects.filter(listing=listing, headline_vector=query).exists()


def test_a_published_listing_has_a_headline_row_kept_current():
    listing = PublishedListingFactory(title="Zebrafish husbandry aide")
    row = ListingHeadline.objects.get(listing=listing)
    assert row.expires_at == listing.expires_at and row.published_at == listing.published_at
    assert headline_matches(listing, "zebrafish")
    assert row.length > 5  # the whole document's words, for ts_rank's normalisation

    listing.title = "Drosophila husbandry aide"
    listing.save()
    assert headline_matches(listing, "drosophila") and not headline_matches(listing, "zebrafish")

    listing.role_types.set([role_type("phlebotomist")])  # the role types' names count too
    assert headline_matches(listing, "phlebotomist")


def test_drafts_have_no_row_and_leaving_the_published_state_or_deleting_removes_it():
    draft = ListingFactory()
    assert not ListingHeadline.objects.filter(listing=draft).exists()
    listing = PublishedListingFactory()
    Listing.objects.filter(pk=listing.pk).update(status=Listing.Status.CLOSED)
    assert not ListingHeadline.objects.filter(listing=listing).exists()
    other = PublishedListingFactory()
    other.delete()
    assert not ListingHeadline.objects.filter(listing_id=other.pk).exists()


def test_best_headlines_ranks_titles_first_and_skips_expired_listings():
    from datetime import timedelta

    from django.utils import timezone

    titled = PublishedListingFactory(title="Zebrafish zebrafish lab aide")
    mentioned = PublishedListingFactory(title="Lab aide", description="Some zebrafish work.")
    PublishedListingFactory(title="Zebrafish tech", expires_at=timezone.now() - timedelta(days=1))
    best = Listing.objects.best_headlines(headline_query("zebrafish"), 10)
    assert best == [titled.pk]
    assert mentioned.pk not in best


def test_the_headline_and_rank_queries_keep_the_wanted_words():
    """ "blood specimen -mouse": headlines are ranked on either wanted word, results on
    both, and the negated word on neither (no result has it, and ts_rank of a query
    with a negation gives near-zero ranks that order by noise)."""
    blood = PublishedListingFactory(title="Blood draw aide")
    specimen = PublishedListingFactory(title="Specimen courier")
    PublishedListingFactory(title="Mouse colony aide")
    in_headline = Listing.objects.best_headlines(headline_query("blood specimen -mouse"), 10)
    assert set(in_headline) == {blood.pk, specimen.pk}
    assert words_of(rank_query("blood specimen -mouse")) == words_of(rank_query("blood specimen"))
    assert headline_query("-mouse") is None and rank_query("-mouse") is None
    assert words_of(headline_query('"blood draw" tube')) == words_of(
        rank_query('"blood draw" or tube')
    )


def words_of(query) -> list:
    """The text values a SearchQuery sends to PostgreSQL (one per synonym variant)."""
    from django.db import connection

    compiler = Listing.objects.none().query.get_compiler(connection=connection)
    return query.as_sql(compiler, connection)[1]


def test_a_negated_word_does_not_decide_the_order(client):
    from django.urls import reverse

    # The factory's compensation is "volunteer", a word of the listing's text too.
    strong = PublishedListingFactory(title="Research research assistant", compensation="credit")
    weak = PublishedListingFactory(
        title="Lab aide", description="Some research work.", compensation="credit"
    )
    PublishedListingFactory(title="Research volunteer", description="Research.")
    page = client.get(reverse("listings:listing_list"), {"q": "research -volunteer"})
    assert [listing.pk for listing in page.context["result"].listings] == [strong.pk, weak.pk]
