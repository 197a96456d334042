"""How many results a search has, in all and per facet option: exact where the set is
small, estimated from a sample of the table's pages where it is large ("about 84,000").

Counting every match exactly means visiting every matching row: "research" matches 84%
of listings, so a cold search for it read 84,000 rows at 100k listings and 840,000 at a
million. Above `APPROX_ABOVE` rows to count (the planner's estimate), the same one-pass
count reads a share of the table's pages chosen to see about `SAMPLE_MATCHES` of them,
and scales. The error of a count estimated from `m` sampled matches is about 1/sqrt(m) of it
(2% for the total at 2,500); `tests/listings/search/test_counts.py` checks the bound
that README states, and `bench_search` reports the error against exact counts."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

from django.db.models import QuerySet

from .catalogue import get_catalogue
from .facets import FACETS, SampledCounts, apply_filters, facet_counts

APPROX_ABOVE = 5_000  # planned matches above which counts are estimated
SAMPLE_MATCHES = 2_500  # matches the sample aims to see
MIN_SAMPLED = 500  # fewer seen: the planner overestimated, so count exactly after all
MAX_SAMPLE_ROWS = 20_000  # a sample reads at most this many listings


@dataclass
class Counts:
    total: int
    # facet -> option -> count; with `facets_approximate`, an option the sample did not
    # see is left out (it may have results: it is never shown as 0)
    facets: dict[str, dict[str, int]]
    approximate: bool = False  # the total is an estimate
    facets_approximate: bool = False
    seen: int = 0  # results in the sample, when the total is estimated
    rows_per_page: float = 1.0  # in the sample (see error_bound)
    ranked_ids: list[int] | None = None  # every match, best first, when counted so


def small_board() -> bool:
    """Few enough listings that every search counts exactly, without asking the planner."""
    return get_catalogue().listing_rows <= APPROX_ABOVE


def planned_rows(queryset: QuerySet) -> int:
    """The planner's estimate of how many rows `queryset` has (one EXPLAIN, no scan)."""
    plan = json.loads(queryset.order_by().values("id").explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])


def search_counts(
    listing_filter,
    base: QuerySet,
    matching: QuerySet,
    *,
    exact_up_to: int,
    ranked: QuerySet | None = None,
    rank_up_to: int = 0,
) -> Counts:
    """The total and the facet counts of a search: estimated when it is large.

    Facet counts are disjunctive, so they count over the search without its facet
    filters (the scope), which can be large when the results are few ("paid" and
    "remote": 1,000 results in a scope of 85,000). The scope decides whether to
    sample; the total is estimated only when the sample saw enough results, and
    counted exactly otherwise. `ranked` (the ids of the matches, best first) lets a
    search by relevance count and rank its few results in one pass: up to
    `rank_up_to` of them come back as `ranked_ids`."""
    scope = apply_filters(listing_filter, base, skip=FACETS)
    listing_rows = get_catalogue().listing_rows
    planned = 0 if listing_rows <= APPROX_ABOVE else planned_rows(scope)
    if planned <= APPROX_ABOVE:
        facets = facet_counts(listing_filter, base)
        return Counts(total=total_of(listing_filter, facets), facets=facets)
    # At most MAX_SAMPLE_ROWS rows of the table, whatever the planner thinks.
    most = min(100.0, 100.0 * MAX_SAMPLE_ROWS / max(listing_rows, 1))
    percent = min(most, 100.0 * SAMPLE_MATCHES / planned)
    sampled = facet_counts(listing_filter, base, sample_percent=percent)
    if 0 < sampled.rows < MIN_SAMPLED and percent < most:
        # The planner overestimated the scope (it does for phrases): a larger sample,
        # sized by what this one saw, is still cheaper than counting every match.
        percent = min(most, percent * SAMPLE_MATCHES / sampled.rows)
        sampled = facet_counts(listing_filter, base, sample_percent=percent)
    seen = total_of(listing_filter, sampled)
    scale = sample_scale(sampled, percent)
    facets = {
        facet: {value: round(n * scale.factor) for value, n in options.items() if n}
        for facet, options in sampled.items()
    }
    estimate = round(seen * scale.factor)
    bound = error_bound(estimate, seen, scale.rows_per_page)
    estimated = Counts(estimate, facets, True, True, seen=seen, rows_per_page=scale.rows_per_page)
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


@dataclass
class Scale:
    factor: float  # from counts in the sample to estimates
    rows_per_page: float  # of the table, in the sample


def sample_scale(sample: SampledCounts, percent: float) -> Scale:
    """How much larger the table is than what the sample read: its rows (the
    planner's count, kept by autovacuum's ANALYZE) over the rows in the sampled
    pages, which the sampling pass counted. Scaling by 100/percent instead would add
    the chance in how many pages were drawn (a third off on a small table; 4% at
    100,000 listings)."""
    if not sample.read_rows or not sample.table_rows or sample.table_rows < 0:  # never analyzed
        return Scale(factor=100.0 / percent, rows_per_page=1.0)
    return Scale(
        factor=sample.table_rows / sample.read_rows,
        rows_per_page=sample.read_rows / sample.read_pages,
    )


def error_bound(estimate: int, seen: int, rows_per_page: float = 1.0) -> float:
    """How far an estimate from `seen` sampled results may be from the exact count:
    three standard errors of a sample of whole pages, 3 * sqrt(rows_per_page / seen)
    of it (the rows of a page are drawn together, which counts at most as one row
    per page; 12% for 2,500 results seen at 4 listings a page). The tests and
    bench_search check estimates against it."""
    if not seen:  # the sample saw none: it says nothing about how many there are
        return math.inf
    return 3 * estimate * math.sqrt(rows_per_page / seen)


def total_of(listing_filter, facets: dict[str, dict[str, int]]) -> int:
    """Every listing has exactly one compensation, so the compensation counts (all
    options, or the chosen ones) add up to the total."""
    chosen = listing_filter.form.cleaned_data.get("comp") or list(facets["comp"])
    return sum(facets["comp"].get(value, 0) for value in chosen)
