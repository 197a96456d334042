"""Large searches count from a sample of the listings (their first sample buckets): the
estimates stay within their documented bound of the exact counts, say they are
estimates, and never show an option that has results as 0; small searches stay exact."""

import math
import random
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import listings.search.catalogue
import listings.search.counts
from listings.filters import ListingFilter
from listings.models import Compensation, Listing, WorkMode
from listings.search.catalogue import (
    SAMPLE_BUCKETS,
    SAMPLE_WORD_BUCKETS,
    forget_catalogue,
    get_catalogue,
)
from listings.search.counts import (
    error_bound,
    planned_rows,
    reads_buckets_first,
    sample_factor,
    search_counts,
)  # fmt: skip
from listings.search.facets import apply_filters, facet_counts, rounded
from tests.support.factories import LabFactory

pytestmark = pytest.mark.django_db
URL = reverse("listings:listing_list")


@pytest.fixture
def many_listings(monkeypatch):
    """1,500 published listings (40% about phlebotomy, 2% about zebrafish), and the
    thresholds of search.counts scaled down with them (100,000 listings in production
    terms: sample above 300 rows to count, aiming at 300 results)."""
    rng = random.Random(20261127)  # noqa: S311 - test data
    labs = [LabFactory() for _ in range(3)]
    now = timezone.now()
    rows = []
    for n in range(1500):
        topic = "phlebotomy" if rng.random() < 0.4 else "data entry"
        if rng.random() < 0.02:
            topic = "zebrafish"
        compensation = rng.choice(Compensation.values)
        rows.append(
            Listing(
                title=f"Student {topic} aide {n}",
                lab=rng.choice(labs),
                description=f"Help our lab with {topic} and general work, {n}.",
                compensation=compensation,
                pay_rate=Decimal("18.00") if compensation == "paid" else None,
                work_mode=rng.choice(WorkMode.values),
                hours_min=6,
                hours_max=10,
                levels=["ms1"],
                schedules=["weekdays"],
                status=Listing.Status.PUBLISHED,
                published_at=now - timedelta(hours=n),
                expires_at=now + timedelta(days=30),
            )
        )
    Listing.objects.bulk_create(rows, batch_size=500)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE listings_listing")
    forget_catalogue()  # it holds the table's size
    monkeypatch.setattr(listings.search.counts, "APPROX_ABOVE", 300)
    monkeypatch.setattr(listings.search.counts, "SAMPLE_MATCHES", 300)
    monkeypatch.setattr(listings.search.counts, "MIN_SAMPLED", 100)
    yield
    forget_catalogue()


def bound_filter(params: dict) -> ListingFilter:
    listing_filter = ListingFilter(params, queryset=Listing.objects.public())
    listing_filter.is_valid()
    return listing_filter


@pytest.mark.usefixtures("many_listings")
@pytest.mark.parametrize(
    ("params", "estimated"),
    [
        ({}, True),
        ({"q": "phlebotomy"}, True),
        ({"q": "aide"}, True),
        ({"comp": ["paid"]}, None),  # a quarter of the scope: estimated or exact
        ({"q": "aide", "mode": ["remote"]}, None),
    ],
)
def test_a_large_search_estimates_within_the_documented_bound(params, estimated):
    listing_filter = bound_filter(params)
    matching = apply_filters(listing_filter, listing_filter.queryset)
    counts = search_counts(listing_filter, listing_filter.queryset, matching, exact_up_to=0)
    truth = matching.count()
    assert counts.facets_approximate
    if estimated is not None:
        assert counts.approximate is estimated
    if not counts.approximate:  # too few results seen to be sure: counted exactly
        assert counts.total == truth
        return
    bound = error_bound(counts.total, counts.seen)
    assert abs(counts.total - truth) <= bound, (counts.total, truth, bound)


@pytest.mark.usefixtures("many_listings")
def test_sample_buckets_spread_the_listings_evenly_and_stay_with_them():
    """Every listing has a bucket from its id's hash, the same one after it changes;
    the buckets share the listings out evenly (each of 8 octants within 4 standard
    deviations of an eighth), whatever the listings say."""
    buckets = dict(Listing.objects.values_list("id", "sample_bucket"))
    assert set(buckets.values()) <= set(range(SAMPLE_BUCKETS))
    octants = [0] * 8
    for bucket in buckets.values():
        octants[bucket * 8 // SAMPLE_BUCKETS] += 1
    expected = len(buckets) / 8
    assert all(abs(n - expected) < 4 * (expected * 7 / 8) ** 0.5 for n in octants), octants
    topics = {"phlebotomy": [], "zebrafish": []}
    for pk, title in Listing.objects.values_list("id", "title"):
        for topic, found in topics.items():
            if topic in title:
                found.append(buckets[pk])
    # Phlebotomy listings are 40% of the table: their share of the lower half of the
    # buckets is a half, give or take four standard deviations.
    lower = sum(1 for b in topics["phlebotomy"] if b < SAMPLE_BUCKETS // 2)
    n = len(topics["phlebotomy"])
    assert abs(lower - n / 2) < 4 * (n / 4) ** 0.5
    listing = Listing.objects.first()
    listing.title = "Renamed aide"
    listing.save()
    listing.refresh_from_db()
    assert listing.sample_bucket == buckets[listing.pk]


@pytest.mark.usefixtures("many_listings")
def test_the_scale_is_the_table_over_its_rows_in_the_sampled_buckets():
    """Scaling by 1024/buckets would carry the buckets' chance share of this table
    into every estimate; the sample counts the rows its buckets hold instead."""
    listing_filter = bound_filter({})
    sampled = facet_counts(listing_filter, listing_filter.queryset, buckets=100)
    in_buckets = Listing.objects.filter(sample_bucket__lt=100).count()
    assert sampled.bucket_rows == in_buckets
    assert sampled.table_rows == Listing.objects.count()  # analyzed: the planner's count
    assert sampled.scope_rows == Listing.objects.public().filter(sample_bucket__lt=100).count()
    assert sample_factor(sampled, 100) == pytest.approx(1500 / in_buckets)
    sampled.table_rows = -1  # never analyzed: the buckets' expected share
    assert sample_factor(sampled, 100) == SAMPLE_BUCKETS / 100


@pytest.mark.usefixtures("many_listings")
def test_the_catalogue_counts_the_buckets_rows_so_that_a_sample_does_not(monkeypatch):
    """On a board large enough for samples, the rows of each bucket a sample may
    read are counted with the table's size, once a catalogue: a sample then scales by
    them, as by the rows its own statement would count, and counts no bucket."""
    assert get_catalogue().bucket_rows == ()  # 1,500 listings: too few to sample
    monkeypatch.setattr(listings.search.catalogue, "APPROX_ABOVE", 300)
    forget_catalogue()
    catalogue = get_catalogue()
    assert catalogue.listing_rows == 1500
    assert len(catalogue.bucket_rows) == SAMPLE_BUCKETS  # 20,000 rows: every bucket
    for buckets in (1, 100, 700, SAMPLE_BUCKETS):
        exact = Listing.objects.filter(sample_bucket__lt=buckets).count()
        assert catalogue.rows_in_buckets(buckets) == exact
    assert catalogue.rows_in_buckets(0) is None
    assert catalogue.rows_in_buckets(SAMPLE_BUCKETS + 1) is None
    listing_filter = bound_filter({"q": "phlebotomy"})
    counted = facet_counts(listing_filter, listing_filter.queryset, buckets=100)
    matching = apply_filters(listing_filter, listing_filter.queryset)
    with CaptureQueriesContext(connection) as queries:
        counts = search_counts(listing_filter, listing_filter.queryset, matching, exact_up_to=0)
    sampled = [q["sql"] for q in queries if "GROUP BY m.i" in q["sql"]]
    assert sampled and all("pg_class" not in sql for sql in sampled)
    assert counts.approximate
    buckets = math.ceil(SAMPLE_BUCKETS * 300 / planned_rows(matching))
    known = facet_counts(
        listing_filter, listing_filter.queryset, buckets=buckets,
        known_rows=(catalogue.rows_in_buckets(buckets), catalogue.listing_rows),
    )  # fmt: skip
    assert sample_factor(known, buckets) == pytest.approx(
        1500 / Listing.objects.filter(sample_bucket__lt=buckets).count()
    )
    assert counted.bucket_rows == catalogue.rows_in_buckets(100)
    assert counted.table_rows == catalogue.listing_rows


@pytest.mark.usefixtures("many_listings")
def test_the_page_says_its_counts_are_estimates_and_never_shows_0_for_an_option(client):
    response = client.get(URL, {"q": "phlebotomy"})
    result = response.context["result"]
    assert result.total_is_estimate
    page = response.content.decode()
    assert f"about {rounded(result.estimated_total):,} open listings" in page
    assert "Counts marked ~ are estimates" in page
    options = [option for options in result.facets.values() for option in options]
    assert all(option.count != 0 for option in options)
    assert any(option.count_label.startswith("~") for option in options)
    data = client.get(reverse("listings:api_listings"), {"q": "phlebotomy"}).json()
    assert data["total_is_estimate"] is True
    assert data["estimated_total"] == result.estimated_total


@pytest.mark.usefixtures("many_listings")
def test_a_small_search_counts_exactly(client):
    response = client.get(URL, {"q": "zebrafish"})
    result = response.context["result"]
    truth = Listing.objects.public().search("zebrafish").count()
    assert 0 < truth < 100
    assert not result.total_is_estimate and result.total == truth
    assert not result.facets_are_estimates
    assert f"{truth} open listings" in response.content.decode()


@pytest.mark.usefixtures("many_listings")
def test_no_result_in_the_sample_of_a_large_scope_is_counted_exactly(client):
    """Every listing is on weekdays: the sample sees no evening one, which says nothing
    about how many there are (found by bench_search at a million listings: a 500)."""
    params = {"q": "aide", "comp": ["paid"], "schedule": ["evenings"]}
    response = client.get(URL, params)
    assert response.status_code == 200
    result = response.context["result"]
    assert not result.total_is_estimate and result.total == 0
    assert error_bound(1000, 0) == float("inf")


@pytest.mark.usefixtures("many_listings")
def test_few_results_in_a_large_scope_are_counted_exactly():
    """ "zebrafish" and "paid": few results, but facet counts span every zebrafish
    listing's options, so the scope decides; the total is still exact."""
    listing_filter = bound_filter({"comp": ["paid"], "mode": ["remote"], "q": "aide"})
    matching = apply_filters(listing_filter, listing_filter.queryset)
    counts = search_counts(listing_filter, listing_filter.queryset, matching, exact_up_to=1000)
    assert counts.facets_approximate
    assert not counts.approximate and counts.total == matching.count()


def test_a_broad_scope_reads_its_sample_buckets_first_from_a_size_that_grows_slower():
    """Listing a scope's matches from the word index costs as many as it has; its
    sample buckets hold fewer rows the broader it is. So the buckets go first from
    about 40% of 100,000 listings, and from about 13% of a million ("data analysis",
    21%: 26-34 ms instead of 97-106)."""
    assert not reads_buckets_first(35_000, 100_000)
    assert reads_buckets_first(45_000, 100_000)
    assert not reads_buckets_first(110_000, 1_000_000)
    assert reads_buckets_first(209_000, 1_000_000)


def test_a_sample_of_words_reads_its_buckets_first_only_for_half_of_a_million():
    """A sample of up to SAMPLE_WORD_BUCKETS buckets finds its words in the index of
    those buckets' words (listing_sample_words), a sixteenth of the entries: listing
    its matches there costs less than reading its buckets, but for words in about half
    of a million listings ("research": 1,950 bucket rows, 13 ms, against 52,000
    entries, 32 ms) and never at 100,000. More buckets: the whole index, as before."""
    assert not reads_buckets_first(84_000, 100_000, word_buckets=15)
    assert not reads_buckets_first(209_000, 1_000_000, word_buckets=6)
    assert reads_buckets_first(840_000, 1_000_000, word_buckets=2)
    assert reads_buckets_first(45_000, 100_000, word_buckets=SAMPLE_WORD_BUCKETS + 1)


def test_estimates_are_rounded_for_reading():
    assert [rounded(n) for n in (7, 99, 183, 6234, 83981, 1_234_567)] == [
        7, 99, 180, 6200, 84000, 1_200_000,
    ]  # fmt: skip


@pytest.mark.usefixtures("many_listings")
def test_the_scheduled_summary_gives_the_unfiltered_page_exact_counts(client, settings):
    from listings.services.scheduled import refresh_search_summary

    settings.SEARCH_CACHE_SECONDS = 60
    caches["search"].clear()
    truth = Listing.objects.public().count()
    assert client.get(URL).context["result"].total_is_estimate  # no summary yet: a sample

    assert refresh_search_summary() is True
    response = client.get(URL)
    result = response.context["result"]
    assert not result.total_is_estimate and not result.facets_are_estimates
    assert f"{truth:,} open listings" in response.content.decode()
    paid = next(o for o in result.facets["comp"] if o.value == "paid")
    assert paid.count == Listing.objects.public().filter(compensation="paid").count()
    # A filtered search is not in the summary: it is estimated as before.
    assert client.get(URL, {"q": "phlebotomy"}).context["result"].total_is_estimate
    caches["search"].clear()


@pytest.mark.usefixtures("many_listings")
def test_one_option_searches_without_words_are_kept_exact(client, settings):
    """`?comp=paid` (about 375 of 1,500 here, above the scaled threshold of 300) gets
    exact counts from the 15-minute summary; an option with fewer results was exact
    already and is not kept; a second option makes a search the summary does not hold."""
    from listings.services.scheduled import refresh_option_summaries

    settings.SEARCH_CACHE_SECONDS = 60
    caches["search"].clear()
    public = Listing.objects.public()

    kept = refresh_option_summaries()

    # ms1 and weekdays (every listing), each compensation and work mode above 300
    assert kept >= 2 + len(Compensation.values)
    response = client.get(URL, {"comp": "paid"})
    result = response.context["result"]
    assert not result.total_is_estimate and not result.facets_are_estimates
    assert result.counted_total == public.filter(compensation="paid").count()
    remote = next(o for o in result.facets["mode"] if o.value == "remote")
    assert remote.count == public.filter(compensation="paid", work_mode="remote").count()
    two = client.get(URL, {"comp": ["paid", "stipend"]}).context["result"]
    assert two.total_is_estimate
    caches["search"].clear()


def test_a_small_board_needs_no_summary():
    from listings.services.scheduled import refresh_option_summaries, refresh_search_summary

    forget_catalogue()
    assert refresh_search_summary() is False
    assert refresh_option_summaries() == 0


def test_a_request_reads_the_catalogue_from_the_cache_once(client, monkeypatch):
    """A search page asked the search cache for the catalogue about fifteen times (in
    production each a round trip to Redis); the request keeps the first, and only
    while it runs: the next request, or a change in the admin, reads it again."""
    search_cache = caches["search"]
    reads = []
    real_get = search_cache.get

    def counted_get(key, *args, **kwargs):
        if key == listings.search.catalogue.CACHE_KEY:
            reads.append(key)
        return real_get(key, *args, **kwargs)

    monkeypatch.setattr(search_cache, "get", counted_get)
    response = client.get(reverse("listings:listing_list"), {"q": "phlebotomist boston"})
    assert response.status_code == 200
    assert len(reads) == 1
    client.get(reverse("listings:listing_list"), {"q": "phlebotomist"})
    assert len(reads) == 2
    get_catalogue()  # outside a request, the cache as before
    get_catalogue()
    assert len(reads) == 4
