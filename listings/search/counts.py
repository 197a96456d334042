"""How many results a search has, in all and per facet option: exact where the set is
small, estimated from a sample of the listings where it is large ("about 84,000").

Counting every match exactly means visiting every matching row: "research" matches 84%
of listings, so a cold search for it read 84,000 rows at 100k listings and 840,000 at a
million. Above `APPROX_ABOVE` rows to count (the planner's estimate), the same one-pass
count runs on the listings of the search's first sample buckets only: every listing
has a bucket from 0 to 1023, a hash of its id (`Listing.sample_bucket`), so the first
`b` buckets hold each listing with chance b/1024, whatever it says. `b` is chosen to see
about `SAMPLE_MATCHES` results, and PostgreSQL finds them by combining the bucket index
with the word index: it reads the sampled results only, not every row of sampled
pages. The counts are scaled by the table's rows over the rows in those buckets
(`sample_factor`). The error of a count estimated from `m` sampled results is about
1/sqrt(m) of it (3% for the total at 1,200);
`tests/listings/search/test_counts.py` checks the bound that README states, and
`bench_search` reports the error against exact counts."""

from __future__ import annotations

import json
import math
import threading
import time
from collections import OrderedDict
from concurrent.futures import Future
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet

from .catalogue import (
    APPROX_ABOVE,
    SAMPLE_BUCKETS,
    SAMPLE_WORD_BUCKETS,
    get_catalogue,
    sample_buckets_most,
)
from .facets import FACETS, FacetCounts, apply_filters, facet_counts

SAMPLE_MATCHES = 1_200  # matches the sample aims to see
MIN_SAMPLED = 500  # fewer seen: the planner overestimated, so count exactly after all
# A sample reads its buckets first (facets._buckets_first) when listing every match
# of the scope from the word index would cost more: the buckets hold about
# SAMPLE_MATCHES * rows / planned listings, each read and checked at about this many
# times the cost of listing one match from the index (a million listings, "data
# analysis", 209,000 planned: 6,000 bucket rows read in 26-34 ms against 70 ms for
# the index's 234,000 matches alone). So a broad scope goes first from 40,000 planned
# at 100,000 listings and from 125,000 at a million, where a fixed share (a quarter)
# read 20%-scopes at a million through the word index (97-106 ms).
BUCKET_ROW_COST = 13


@dataclass
class Counts:
    total: int
    # facet -> option -> count; with `facets_approximate`, an option the sample did not
    # see is left out (it may have results: it is never shown as 0)
    facets: dict[str, dict[str, int]]
    approximate: bool = False  # the total is an estimate
    facets_approximate: bool = False
    seen: int = 0  # results in the sample, when the total is estimated
    ranked_ids: list[int] | None = None  # every match, best first, when counted so


def small_board() -> bool:
    """Few enough listings that every search counts exactly, without asking the planner."""
    return get_catalogue().listing_rows <= APPROX_ABOVE


# The planner's estimates of the statements explained last, by database and statement
# with its values (the time of the request among them): a search without facet
# filters asks for the same one twice at once, its counts for their scope and its
# background ranking for its matches (search.ranking), and the second waits for the
# first's answer instead of explaining it again beside it (3-7 ms on two processors).
# An answer is kept a tenth of a second only: the request's other thread asks within
# milliseconds, and a clock frozen in tests must not make another test's answer stale.
_planned: OrderedDict[tuple, list] = OrderedDict()  # key -> [Future, answered at]
_planned_lock = threading.Lock()
PLANNED_KEPT = 32
PLANNED_SECONDS = 0.1


def _ids_statement(queryset: QuerySet) -> tuple[str, list] | None:
    """The statement of `queryset`'s ids, unordered; None for a condition that nothing
    meets ("IN ()")."""
    ids = queryset.order_by().values("id")
    try:
        return ids.query.get_compiler(using=ids.db).as_sql()
    except EmptyResultSet:
        return None


def _top_plan(using: str, sql: str, params) -> dict:
    """The top node of the plan PostgreSQL makes for `sql` (one EXPLAIN, no scan)."""
    with connections[using].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    return (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]


def planned_rows(queryset: QuerySet) -> int:
    """The planner's estimate of how many rows `queryset` has (one EXPLAIN, no scan)."""
    statement = _ids_statement(queryset)
    if statement is None:
        return 0
    sql, params = statement
    key = (queryset.db, sql, repr(params))
    with _planned_lock:
        entry = _planned.get(key)
        asked = entry is not None and (
            entry[1] is None or time.monotonic() - entry[1] < PLANNED_SECONDS
        )
        if not asked:
            entry = _planned[key] = [Future(), None]
            _planned.move_to_end(key)
            while len(_planned) > PLANNED_KEPT:
                _planned.popitem(last=False)
    answer = entry[0]
    if asked:
        return answer.result()
    try:
        rows = int(_top_plan(queryset.db, sql, params)["Plan Rows"])
    except BaseException as error:
        with _planned_lock:
            if _planned.get(key) is entry:
                del _planned[key]  # asked again later, explained again
        answer.set_exception(error)
        raise
    entry[1] = time.monotonic()
    answer.set_result(rows)
    return rows


def planned_rows_each(*querysets: QuerySet) -> list[int]:
    """The planner's estimate of the rows of each queryset, in one EXPLAIN (of their
    statements joined by UNION ALL, whose Append plans each as it would alone): a
    place among a search's words asks for two, one round trip fewer
    (ListingFilter._words_outnumber).
    Explained one by one when the plan does not show each (a statement that cannot
    be written, or one the planner drops)."""
    statements = [_ids_statement(queryset) for queryset in querysets]
    parts = []
    if None not in statements:
        # The ORM's own statements; every value is a bound parameter
        top = _top_plan(
            querysets[0].db,
            " UNION ALL ".join(f"({sql})" for sql, _ in statements),
            [param for _, params in statements for param in params],
        )
        parts = top.get("Plans", []) if top["Node Type"] == "Append" else []
    if len(parts) != len(querysets):
        return [planned_rows(queryset) for queryset in querysets]
    return [int(part["Plan Rows"]) for part in parts]


def search_counts(
    listing_filter,
    base: QuerySet,
    matching: QuerySet,
    *,
    exact_up_to: int,
    ranked=None,
    rank_up_to: int = 0,
) -> Counts:
    """The total and the facet counts of a search: estimated when it is large.

    Facet counts are disjunctive, so they count over the search without its facet
    filters (the scope), which can be large when the results are few ("paid" and
    "remote": 1,000 results in a scope of 85,000). The scope decides whether to
    sample; the total is estimated only when the sample saw enough results, and
    counted exactly otherwise. `ranked` (the ids of the matches, best first, sliced
    as a queryset is: search.ranking.RankedMatches) lets a search by relevance count
    and rank its few results in one pass: up to `rank_up_to` of them come back as
    `ranked_ids`."""
    scope = apply_filters(listing_filter, base, skip=FACETS)
    catalogue = get_catalogue()
    listing_rows = catalogue.listing_rows
    planned = 0 if listing_rows <= APPROX_ABOVE else planned_rows(scope)
    if planned <= APPROX_ABOVE:
        facets = facet_counts(listing_filter, base)
        return Counts(total=total_of(listing_filter, facets), facets=facets)
    # Buckets to see about SAMPLE_MATCHES results, holding at most MAX_SAMPLE_ROWS.
    most = sample_buckets_most(listing_rows)
    buckets = min(most, math.ceil(SAMPLE_BUCKETS * SAMPLE_MATCHES / planned))
    # Words looked up in the word index (not a phrase's pairs, nor checked on a place's
    # listings): a sample of the first buckets finds them in those buckets' own index
    words = listing_filter.words_use_index()
    broad = reads_buckets_first(planned, listing_rows, buckets if words else None)

    def sample(buckets: int):
        # The table's rows and its buckets', as the catalogue counted them together
        # (or, past what it counted, by the sample's own statement)
        in_buckets = catalogue.rows_in_buckets(buckets)
        known = (in_buckets, listing_rows) if in_buckets else None
        return facet_counts(
            listing_filter, base, buckets=buckets, buckets_first=broad, known_rows=known
        )

    sampled = sample(buckets)
    if 0 < sampled.scope_rows < MIN_SAMPLED and buckets < most:
        # The planner overestimated the scope (it does for phrases): more buckets,
        # as many as this sample says are needed, still cost less than every match.
        buckets = min(most, math.ceil(buckets * SAMPLE_MATCHES / sampled.scope_rows))
        sampled = sample(buckets)
    seen = total_of(listing_filter, sampled)
    factor = sample_factor(sampled, buckets)
    facets = {
        facet: {value: round(n * factor) for value, n in options.items() if n}
        for facet, options in sampled.items()
    }
    estimate = round(seen * factor)
    bound = error_bound(estimate, seen)
    estimated = Counts(estimate, facets, True, True, seen=seen)
    if seen >= MIN_SAMPLED or estimate - bound > exact_up_to:
        # Enough results seen, or surely more than the pages show (exact_up_to):
        # pages are then full to the last, so an estimate cannot promise an empty one.
        return estimated
    if ranked is not None:
        ids = list(ranked[: rank_up_to + 1])
        if len(ids) <= rank_up_to:
            return Counts(len(ids), facets, facets_approximate=True, ranked_ids=ids)
        if seen:  # more than rank_up_to: the sample's estimate, no less than that
            estimated.total = max(estimate, len(ids))
            return estimated
    return Counts(matching.order_by().count(), facets, facets_approximate=True)


def reads_buckets_first(planned: int, listing_rows: int, word_buckets: int | None = None) -> bool:
    """Whether a sample of a scope planned to hold `planned` of `listing_rows` listings
    reads its buckets first: their rows (about SAMPLE_MATCHES * listing_rows / planned)
    cost less to check than the scope's matches to list (BUCKET_ROW_COST).
    `word_buckets`: the sample's buckets, when it looks its words up in the word index.
    Up to SAMPLE_WORD_BUCKETS, the index of those buckets' words lists a sixteenth of
    the matches (listing_sample_words), so the buckets go first only for words in
    half of a million listings or more ("research": 13 ms reading 1,950 bucket rows
    against 32 ms for its 52,000 entries there; "data analysis", 21%: 16 ms from
    there against 24-30 ms reading its buckets first), and never at 100,000."""
    matches = planned
    if word_buckets is not None and word_buckets <= SAMPLE_WORD_BUCKETS:
        matches = planned * SAMPLE_WORD_BUCKETS / SAMPLE_BUCKETS
    return planned * matches >= BUCKET_ROW_COST * SAMPLE_MATCHES * listing_rows


def sample_factor(sample: FacetCounts, buckets: int) -> float:
    """How much larger the table is than the sample's buckets: its rows (the
    planner's count, kept by autovacuum's ANALYZE, or the live rows counted since)
    over the rows the buckets hold, counted (by the catalogue, with the table's
    rows, or by the sample's own statement past the buckets the catalogue counted).
    Each listing is in the first `buckets` with chance buckets/1024, but the
    buckets' real share of a given table is a little off that (±2.6% for 1,500
    listings), and every search shares the first buckets: scaling by 1024/buckets
    put every estimate of one bench run 2-6% high."""
    if not sample.bucket_rows or sample.table_rows <= 0:  # nothing known yet
        return SAMPLE_BUCKETS / buckets
    return sample.table_rows / sample.bucket_rows


def error_bound(estimate: int, seen: int) -> float:
    """How far an estimate from `seen` sampled results may be from the exact count:
    three standard errors, 3 / sqrt(seen) of it (each listing is drawn on its own,
    by its bucket: 6% for 2,500 results seen). The tests and bench_search check
    estimates against it."""
    if not seen:  # the sample saw none: it says nothing about how many there are
        return math.inf
    return 3 * estimate / math.sqrt(seen)


def total_of(listing_filter, facets: dict[str, dict[str, int]]) -> int:
    """Every listing has exactly one compensation, so the compensation counts (all
    options, or the chosen ones) add up to the total."""
    chosen = listing_filter.form.cleaned_data.get("comp") or list(facets["comp"])
    return sum(facets["comp"].get(value, 0) for value in chosen)
