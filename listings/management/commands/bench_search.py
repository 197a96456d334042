"""`manage.py bench_search`: time a fixed mix of searches on the benchmark database,
next to the way typical job boards search (icontains, counted in Python).

Whole-page time is measured through Django's test client (URL routing, middleware,
the search, template rendering); SQL time is the sum of the database round trips.
The first run of each search starts with an empty cache (cold); the repeats reuse
the cached total and facet counts, as paging and re-sorting do (warm). One search
outside the mix runs first, untimed: a server's first search starts the search
threads and their connections (25-35 ms more), which no later search pays.
SQL time and query counts are the request thread's; the search threads' queries
(search.parallel) run beside them.
"""

import json
import statistics
import time

from django.conf import settings
from django.core.cache import cache, caches
from django.core.management.base import BaseCommand
from django.db import connection
from django.db.models import Q
from django.http import QueryDict
from django.test import Client

from listings.filters import ListingFilter
from listings.models import Listing
from listings.search.catalogue import get_catalogue
from listings.search.facets import apply_filters
from listings.search.page import run_search
from listings.search.query import rank_query

# (kind, query string): at least 30 searches, as students and career offices run them.
SEARCHES = [
    ("broad word", "q=research"),
    ("broad word", "q=lab"),
    ("broad word", "q=assistant"),
    ("broad word", "q=clinical"),
    ("rare word", "q=zebrafish"),
    ("rare word", "q=drosophila"),
    ("rare word", "q=apheresis"),
    ("rare word", "q=parasitology"),
    ("two words", "q=blood+specimen"),
    ("two words", "q=data+analysis"),
    ("two words", "q=patient+consent"),
    ("two words", "q=tissue+biopsy"),
    ("phrase", "q=%22sample+preparation%22"),
    ("phrase", "q=%22informed+consent%22"),
    ("phrase", "q=%22literature+reviews%22"),
    ("negation", "q=research+-volunteer"),
    ("negation", "q=phlebotomy+-weekends"),
    ("negation", "q=assay+-mouse"),
    ("filters only", "role=phlebotomist"),
    ("filters only", "comp=paid&mode=remote"),
    ("filters only", "level=ms1&schedule=evenings"),
    ("filters only", "institution=bench-university-1&comp=credit"),
    ("filters only", "hours_max=8&certs=none"),
    ("filters + words", "q=research&comp=paid"),
    ("filters + words", "q=blood&role=phlebotomist&schedule=weekends"),
    ("filters + words", "q=python&mode=remote"),
    ("sort", "sort=deadline"),
    ("sort", "sort=pay&comp=paid"),
    ("sort", "q=specimen&sort=newest"),
    ("sort", "q=lab&sort=deadline"),
    ("deep page", "page=40"),
    ("deep page", "q=research&page=30"),
    ("typo", "q=flebotomy"),
    ("place", "q=phlebotomist+boston"),
    ("place", "q=research+chicago"),
    ("place", "q=boston"),
    ("partial", "q=phlebotomy+zxqv"),
    ("partial", "q=zebrafish+husbandry+qwzx"),
]
BASELINE_KINDS = {"broad word", "rare word", "two words"}


def machine_speed() -> dict[str, float]:
    """How fast this machine is at the moment, to compare runs across machines and
    hours: the best of five runs of a fixed piece of Python (10 million additions)
    and of a fixed SQL statement (summing 2 million generated numbers). The same
    machine has measured pages twice as slow on another day; a run's figures are
    comparable with another run's in proportion to these."""

    def best_of_five(work) -> float:
        times = []
        for _ in range(5):
            start = time.perf_counter()
            work()
            times.append((time.perf_counter() - start) * 1000)
        return round(min(times), 1)

    def python_work():
        total = 0
        for number in range(10_000_000):
            total += number

    def sql_work():
        with connection.cursor() as cursor:
            cursor.execute("SELECT sum(i) FROM generate_series(1, 2000000) AS i")
            cursor.fetchone()

    return {"python_ms": best_of_five(python_work), "sql_ms": best_of_five(sql_work)}


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


class Command(BaseCommand):
    help = "Time the search page on the benchmark data (seed_bench first)."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=5, help="runs of each search")
        parser.add_argument("--json", action="store_true", help="print JSON, not a table")
        parser.add_argument("--no-baseline", action="store_true")
        parser.add_argument(
            "--baseline-repeat", type=int, default=2, help="runs of each icontains search"
        )

    def handle(self, *args, repeat, no_baseline, baseline_repeat, **options):
        as_json = options["json"]
        settings.DEBUG = False
        client = Client()
        self._time_page(client, "q=laboratory+work")  # as a server that has served one
        listings = Listing.objects.count()
        rows = {}
        overlaps = {}
        count_errors = {}
        for kind, query in SEARCHES:
            # The first run of each search is cold: nothing cached yet, not even the
            # counts of the same words on another page or sort ("q=lab&sort=deadline"
            # after "q=lab"), which the search cache keeps apart from the default one.
            # Only the catalogue every search shares (kept for minutes) is kept.
            cache.clear()
            caches["search"].clear()
            get_catalogue()
            for run in range(repeat + 1):
                page_ms, sql_ms, queries, status = self._time_page(client, query)
                if status != 200:
                    raise SystemExit(f"/listings/?{query} answered {status}")
                entry = rows.setdefault(
                    kind, {"page": [], "sql": [], "queries": set(), "cold": [], "warm": []}
                )
                entry["page"].append(page_ms)
                entry["sql"].append(sql_ms)
                entry["queries"].add(queries)
                entry["cold" if run == 0 else "warm"].append(page_ms)
            overlap = self._overlap(query) if self._ranked_by_relevance(query) else None
            if overlap is not None:  # after the timed runs: they stay cold
                overlaps[query] = overlap
            error = self._count_error(query)
            if error is not None:
                count_errors[query] = error
        baseline = {} if no_baseline else self._baseline(baseline_repeat)
        report = {
            "listings": listings,
            "machine_speed": machine_speed(),
            "runs_per_search": repeat + 1,
            "kinds": {
                kind: {
                    "searches": sum(1 for k, _ in SEARCHES if k == kind),
                    "page_p50_ms": round(statistics.median(e["page"]), 1),
                    "page_p95_ms": round(percentile(e["page"], 0.95), 1),
                    "page_max_ms": round(max(e["page"]), 1),
                    "sql_p50_ms": round(statistics.median(e["sql"]), 1),
                    "sql_p95_ms": round(percentile(e["sql"], 0.95), 1),
                    "cold_max_ms": round(max(e["cold"]), 1),
                    "warm_p95_ms": round(percentile(e["warm"], 0.95), 1) if e["warm"] else None,
                    "queries": max(e["queries"]),
                }
                for kind, e in rows.items()
            },
            "all_page_p95_ms": round(
                percentile([t for e in rows.values() for t in e["page"]], 0.95), 1
            ),
            "cold_page_p95_ms": round(
                percentile([t for e in rows.values() for t in e["cold"]], 0.95), 1
            ),
            "warm_page_p95_ms": round(
                percentile([t for e in rows.values() for t in e["warm"]] or [0], 0.95), 1
            ),
            "baseline_icontains": baseline,
            # Of the page's first 10 results, how many are in the exhaustive top 10
            # (ts_rank over every match): for each search sorted by relevance.
            "relevance_top10_overlap": overlaps,
            "relevance_top10_overlap_total": f"{sum(overlaps.values())}/{10 * len(overlaps)}",
            # For each search whose total was estimated from a sample: the estimate's
            # error against the exact count, in percent.
            "estimated_total_error_pct": count_errors,
        }
        if as_json:
            self.stdout.write(json.dumps(report, indent=2))
            return
        self._print_table(report)

    @staticmethod
    def _ranked_by_relevance(query: str) -> bool:
        params = QueryDict(query)
        return (
            bool(params.get("q"))
            and params.get("sort", "relevance") == "relevance"
            and (params.get("page", "1") == "1")
        )

    @staticmethod
    def _overlap(query: str) -> int | None:
        """How many of the page's first 10 are in the exhaustive top 10: ts_rank over
        every match of the words the page searched (a place taken out, unknown words
        dropped), on the words it ranks by (`search.query.rank_query`). None when
        nothing matches."""
        listing_filter = ListingFilter(QueryDict(query), queryset=Listing.objects.public())
        page = run_search(listing_filter, page="1").listings[:10]  # as the page runs it
        matching = apply_filters(listing_filter, listing_filter.queryset)
        words = listing_filter.form.cleaned_data["q"]
        exhaustive = matching.ranked(rank_query(words)).values_list("id", flat=True)[:10]
        exhaustive = set(exhaustive)
        return len({row.id for row in page} & exhaustive) if exhaustive else None

    @staticmethod
    def _count_error(query: str) -> float | None:
        """The estimated total's error against an exact count of the same matches, in
        percent (None when the search counted exactly)."""
        listing_filter = ListingFilter(QueryDict(query), queryset=Listing.objects.public())
        result = run_search(listing_filter, page="1")
        if not result.total_is_estimate:
            return None
        # The search's own understanding: places taken out, unknown words dropped.
        exact = apply_filters(listing_filter, listing_filter.queryset).count()
        return round(100 * (result.estimated_total - exact) / exact, 1)

    @staticmethod
    def _time_page(client, query):
        sql_times = []

        def timed(execute, sql, params, many, context):
            start = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                sql_times.append((time.perf_counter() - start) * 1000)

        with connection.execute_wrapper(timed):
            start = time.perf_counter()
            response = client.get(f"/listings/?{query}")
            page_ms = (time.perf_counter() - start) * 1000
        return page_ms, sum(sql_times), len(sql_times), response.status_code

    def _baseline(self, repeat):
        """The way typical boards search: icontains on title and description, every
        match loaded and counted in Python, newest first, then sliced to a page.
        Only three columns are loaded per match, which flatters the baseline (those
        boards load whole rows) but keeps a million-row run within memory."""
        times = []
        for kind, query in SEARCHES:
            if kind not in BASELINE_KINDS:
                continue
            words = query.removeprefix("q=").split("+")
            for _ in range(max(1, repeat)):
                start = time.perf_counter()
                matches = Listing.objects.public()
                for word in words:
                    matches = matches.filter(
                        Q(title__icontains=word) | Q(description__icontains=word)
                    )
                found = list(matches.order_by("-published_at").values_list("id", "title", "lab_id"))
                total, page = len(found), found[:20]  # what such a board then shows
                times.append((time.perf_counter() - start) * 1000)
                del total, page
        return {
            "searches": sum(1 for k, _ in SEARCHES if k in BASELINE_KINDS),
            "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(percentile(times, 0.95), 1),
            "max_ms": round(max(times), 1),
        }

    def _print_table(self, report):
        write = self.stdout.write
        write(f"{report['listings']:,} listings, {report['runs_per_search']} runs of each search")
        speed = report["machine_speed"]
        write(
            f"machine speed (lower is faster): Python {speed['python_ms']} ms, "
            f"SQL {speed['sql_ms']} ms"
        )
        write(
            f"{'kind':<16}{'n':>3} {'page p50':>9} {'p95':>7} {'max':>7}  "
            f"{'SQL p50':>8} {'p95':>7}  {'cold max':>8} {'warm p95':>8}  queries"
        )
        for kind, k in report["kinds"].items():
            write(
                f"{kind:<16}{k['searches']:>3} {k['page_p50_ms']:>9} {k['page_p95_ms']:>7} "
                f"{k['page_max_ms']:>7}  {k['sql_p50_ms']:>8} {k['sql_p95_ms']:>7}  "
                f"{k['cold_max_ms']:>8} {k['warm_p95_ms']!s:>8}  {k['queries']}"
            )
        write(
            f"whole page p95, all runs: {report['all_page_p95_ms']} ms; first (cold) runs: "
            f"{report['cold_page_p95_ms']} ms; repeated (warm) runs: "
            f"{report['warm_page_p95_ms']} ms"
        )
        overlaps = report["relevance_top10_overlap"]
        if overlaps:
            write(
                "relevance: top-10 overlap with exhaustive ts_rank: "
                + ", ".join(f"{query} {n}/10" for query, n in overlaps.items())
                + f" (in all {report['relevance_top10_overlap_total']})"
            )
        errors = report["estimated_total_error_pct"]
        if errors:
            write(
                "estimated totals, error against exact counts: "
                + ", ".join(f"{query} {e:+.1f}%" for query, e in errors.items())
            )
        if report["baseline_icontains"]:
            b = report["baseline_icontains"]
            write(
                f"icontains baseline ({b['searches']} word searches): p50 {b['p50_ms']} ms, "
                f"p95 {b['p95_ms']} ms, max {b['max_ms']} ms"
            )
