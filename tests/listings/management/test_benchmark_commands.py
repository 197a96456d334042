"""seed_bench and bench_search work end to end (on a few hundred listings)."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from listings.management.commands.bench_search import SEARCHES
from listings.models import HeadlineGroup, HeadlineTerm, Listing
from listings.search import page
from listings.search.suggest import MAX_WORDS_CHECKED

# seed_bench commits and computes vectors on parallel connections, like the real run.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migration_data"),
    pytest.mark.slow,
]


def test_seed_bench_refuses_a_database_not_meant_for_it():
    with pytest.raises(CommandError, match="DATABASE_NAME=labjobs_bench"):
        call_command("seed_bench", "--listings", "10", stdout=StringIO())


def test_seed_bench_then_bench_search(monkeypatch, settings):
    call_command("seed_bench", "--listings", "300", "--yes", stdout=StringIO(), stderr=StringIO())
    assert Listing.objects.count() == 300
    assert Listing.objects.public().count() > 200
    assert not Listing.objects.filter(search_vector__isnull=True).exists()
    listing = Listing.objects.filter(status="published").first()
    assert listing.facet_role_type_ids == sorted(listing.role_types.values_list("id", flat=True))
    assert listing.facet_institution_id == listing.lab.institution_id
    # The headlines' words, written after the load as the trigger would have
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tsvector_to_array(headline_vector) FROM listings_listingheadline "
            "WHERE listing_id = %s",
            [listing.pk],
        )
        words = set(cursor.fetchone()[0])
    terms = set(HeadlineTerm.objects.filter(listing_id=listing.pk).values_list("lexeme", flat=True))
    groups = set(HeadlineGroup.objects.values_list("key", flat=True))
    assert words and terms - groups == words
    # and a row for each synonym group each headline matches
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM listings_listingheadline h, listings_headlinegroup g "
            "WHERE h.headline_vector @@ g.key::tsquery"
        )
        assert HeadlineTerm.objects.filter(lexeme__in=groups).count() == cursor.fetchone()[0] > 0

    # Each search's first run counts its matches, even after another search kept the
    # same counts ("q=lab&sort=deadline" after "q=lab"): it is timed cold. (The
    # view adds its default sort to a search without words, so those are left out.)
    counted, count = [], page.search_counts

    def search_counts(listing_filter, *args, **kwargs):
        counted.append(listing_filter.data.urlencode())
        return count(listing_filter, *args, **kwargs)

    monkeypatch.setattr("listings.search.page.search_counts", search_counts)
    settings.SEARCH_CACHE_SECONDS = 60  # as the benchmark runs (tests turn it off)
    out = StringIO()
    call_command("bench_search", "--repeat", "0", "--json", stdout=out)
    assert {query for _kind, query in SEARCHES if "q=" in query} <= set(counted)
    report = json.loads(out.getvalue())
    assert report["listings"] == 300
    assert report["machine_speed"]["python_ms"] > 0 and report["machine_speed"]["sql_ms"] > 0
    assert sum(kind["searches"] for kind in report["kinds"].values()) >= 30
    assert len(report["kinds"]) >= 10
    # A fixed number of queries per page, never one per row; a search whose words find
    # nothing together also asks, for each of its first six words, whether any listing
    # has it (search.suggest.MAX_WORDS_CHECKED).
    queries = {name: kind["queries"] for name, kind in report["kinds"].items()}
    assert queries.pop("partial") <= 6 + MAX_WORDS_CHECKED
    assert queries.pop("place") <= 7  # the labs of the city or state are looked up first
    assert all(n <= 6 for n in queries.values()), queries
    assert report["relevance_top10_overlap"]["q=research"] == 10
    assert report["baseline_icontains"]["searches"] == 12
    assert report["kinds"]["broad word"]["page_p95_ms"] > 0
