"""One page of search results: the ids in order (ranked or sorted), the rows with
snippets, the capped total and the facet counts, for the search page, the feed and
the API. It imports no model: the FilterSet's queryset says which model it searches."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import caches
from django.db.models import F, QuerySet

from .counts import Counts, search_counts, small_board, total_of
from .facets import FacetOption, apply_filters, facet_counts, facet_options, rounded
from .parallel import Later
from .places import understand_places
from .query import build_query, headline_query, rank_query, several_words
from .snippets import headline, snippet_of
from .suggest import useful_suggestion, words_found

COUNT_CAP = 1000
RANK_CANDIDATES = 200  # newest matches ranked on a broad search's first pages
HEADLINE_CANDIDATES = 500  # best headline matches ranked too (see page_ids)
EXACT_RANK_MAX = 3_000  # up to this many matches, every one is ranked
# Up to this many, every match is ranked too when fewer than HEADLINE_FEW listings
# have the words in their title or role types (words of descriptions: "patient consent")
BODY_RANK_MAX = 15_000
HEADLINE_FEW = 20
PAGE_SIZE = 20
SORTS = {
    "relevance": "Relevance",
    "newest": "Newest",
    "deadline": "Deadline (soonest first)",
    "pay": "Pay (highest first)",
}


@dataclass
class SearchPage:
    listings: list
    total: int
    total_is_capped: bool
    number: int
    num_pages: int
    sort: str
    facets: dict[str, list[FacetOption]] = field(default_factory=dict)
    notice: str = ""
    suggestion: str = ""  # "did you mean", when a text search found nothing
    # (filter, label) of the places taken from the words as filters: city, state,
    # institution
    places: list[tuple[str, str]] = field(default_factory=list)
    unknown_words: list[str] = field(default_factory=list)  # no listing mentions them
    # A large search's total and facet counts are estimates from a sample (search.counts)
    estimated_total: int | None = None
    # The whole total when it was counted (with the facets), even above COUNT_CAP
    counted_total: int | None = None
    page_size: int = PAGE_SIZE

    @property
    def shown_range(self) -> tuple[int, int] | None:
        """(21, 40): the results on this page, counted from 1."""
        if not self.listings:
            return None
        first = (self.number - 1) * self.page_size + 1
        return first, first + len(self.listings) - 1

    @property
    def place_phrases(self) -> list[tuple[str, str]]:
        """("in", "Boston"), ("at", "Lakeshore Medical Center"): for the page."""
        return [("at" if kind == "institution" else "in", label) for kind, label in self.places]

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def facets_are_estimates(self) -> bool:
        return any(o.approximate for options in self.facets.values() for o in options)

    @property
    def total_is_estimate(self) -> bool:
        return self.estimated_total is not None

    @property
    def total_label(self) -> str:
        if self.total_is_estimate:
            return f"about {rounded(self.estimated_total):,}"
        if self.counted_total is not None:
            return f"{self.counted_total:,}"
        return f"{COUNT_CAP:,}+" if self.total_is_capped else f"{self.total:,}"


def order(queryset: QuerySet, sort: str) -> QuerySet:
    """Order by a sort other than relevance (see page_ids for that)."""
    if sort == "deadline":
        return queryset.order_by(F("deadline").asc(nulls_last=True), "-published_at", "-id")
    if sort == "pay":
        return queryset.order_by(F("pay_rate").desc(nulls_last=True), "-published_at", "-id")
    return queryset.order_by("-published_at", "-id")


class Headlines:
    """The listings whose headlines match a search best (page_ids' candidates): with
    `start`, both queries start in the background at once (search.parallel), to run
    while the counts do; else each runs when first asked for. `any_word`: any of the
    words (None: no wanted word); `every_word`: all of them, when there are several."""

    def __init__(self, matching: QuerySet, any_word, every_word, *, start: bool):
        manager = matching.model._default_manager.db_manager(matching.db)

        def later(function, query, limit: int) -> Later | None:
            if query is None:
                return None
            return Later(function, query, limit, alias=matching.db, start=start)

        self._best = later(manager.best_headlines, any_word, HEADLINE_CANDIDATES)
        wanted = every_word if any_word is not None else None
        self._every = later(manager.headlines_with, wanted, HEADLINE_FEW)

    @property
    def searched(self) -> bool:
        return self._best is not None

    @property
    def several_words(self) -> bool:
        return self._every is not None

    def best(self) -> list[int]:
        return self._best.result() if self._best is not None else []

    def with_every_word(self) -> int:
        """How many (up to HEADLINE_FEW) have every word in their headline."""
        return self._every.result() if self._every is not None else 0


def page_ids(
    matching: QuerySet,
    sort: str,
    query,
    offset: int,
    size: int,
    total: int | None = None,
    cache_key: str | None = None,
    ranked_ids: list[int] | None = None,
    rank_by=None,
    headlines: Headlines | None = None,
    matches: int | None = None,
) -> list[int]:
    """The ids of one page of results, in order (one query; a broad search by relevance
    takes three, and keeps the order with the counts). `matches`: the total, exact or
    estimated; `headlines`: the search's best headlines (Headlines)."""
    if sort != "relevance" or query is None:
        return list(order(matching, sort).values_list("id", flat=True)[offset : offset + size])
    rank_by = rank_by or query
    if total is not None and total <= EXACT_RANK_MAX:
        # Every match ranked: the exact best first (bench_search reports the top-10
        # overlap). The order is kept with the counts (or came with them: ranked_ids),
        # so paging and other students running the same search do not rank again.
        if ranked_ids is None and cache_key:
            ranked_ids = caches["search"].get(cache_key)
        if ranked_ids is None:
            ranked = matching.ranked(rank_by).values_list("id", flat=True)[:COUNT_CAP]
            ranked_ids = list(ranked)
            if cache_key:
                caches["search"].set(cache_key, ranked_ids, settings.SEARCH_CACHE_SECONDS)
        return ranked_ids[offset : offset + size]
    # A broad search: ranking every match on its full vector takes 80-140 ms at 100,000
    # listings. The candidates are the listings whose title or role types match best
    # (ranked on the narrow headline table, models/headline.py) and the newest matches
    # (deeper pages widen them); those are ranked on their full vectors.
    bound = min(COUNT_CAP, max(RANK_CANDIDATES, offset + size))
    key = f"{cache_key}:{bound}" if cache_key else None
    ranked_ids = caches["search"].get(key) if key else None
    if ranked_ids is None:
        headlines = headlines or Headlines(matching, None, None, start=False)
        every_match = matches is not None and matches <= BODY_RANK_MAX
        best, titled = [], 0  # headline candidates; listings with the words in theirs
        if headlines.several_words and every_match:
            # Every word in the headline, not any ("patient consent": none, though
            # "patient" is in many titles)
            titled = headlines.with_every_word()
            if titled >= HEADLINE_FEW:
                best = headlines.best()
        elif headlines.searched:
            best = headlines.best()
            titled = len(best)
        ranked_ids = None
        if titled >= HEADLINE_FEW or not every_match:
            newest = matching.order_by("-published_at", "-id").values_list("id", flat=True)
            ranked = matching.filter(id__in={*newest[:bound], *best}).ranked(rank_by)
            ranked_ids = list(ranked.values_list("id", flat=True))
            if every_match and len(set(best).intersection(ranked_ids)) < HEADLINE_FEW:
                ranked_ids = None  # the filters (a role, a city) left few of the headlines
        if ranked_ids is None:
            # The words are in descriptions, hardly in titles together (or in titles the
            # filters leave out): the headlines say little of the best matches, so every
            # match is ranked (20-70 ms at 7,000-14,000 matches).
            ranked_ids = list(matching.ranked(rank_by).values_list("id", flat=True)[:COUNT_CAP])
        if key:
            caches["search"].set(key, ranked_ids, settings.SEARCH_CACHE_SECONDS)
    return ranked_ids[offset : offset + size]


def run_search(
    listing_filter,
    *,
    page: str | None,
    with_facets: bool = True,
    page_size: int = PAGE_SIZE,
    sort: str | None = None,
    _partial: bool = False,
) -> SearchPage:
    """The page of results, total and facets for a bound ListingFilter, searching
    its queryset (the callers pass published, unexpired listings)."""
    listing_filter.is_valid()  # fills cleaned_data; bad fields are reported by the form
    cleaned = listing_filter.form.cleaned_data
    places = understand_places(cleaned)  # "nurse boston": the words, in Boston
    has_text = bool((cleaned.get("q") or "").strip())
    sort = sort or cleaned.get("sort") or ("relevance" if has_text else "newest")

    base = listing_filter.queryset
    matching = apply_filters(listing_filter, base)

    # Total and facets depend on the filters only, not on the page or the sort, and
    # are cached briefly: paging through or re-sorting a search reuses them.
    cache_key = _counts_cache_key(cleaned)
    counts = caches["search"].get(cache_key) if cache_key else None
    rank_by = rank_query(cleaned["q"]) if has_text else None
    query = build_query(cleaned["q"]) if has_text else None
    headlines = None
    if query is not None and sort == "relevance":
        # A cold search of a large board likely ranks on its headlines: they are
        # looked up while the counts run (search.parallel).
        headlines = Headlines(
            matching, headline_query(cleaned["q"]),
            rank_by if several_words(cleaned["q"]) else None,
            start=counts is None and not small_board(),
        )  # fmt: skip
    if counts is None:
        if with_facets:
            found = search_counts(
                listing_filter, base, matching, exact_up_to=COUNT_CAP,
                ranked=matching.ranked(rank_by).values_list("id", flat=True) if rank_by else None,
                rank_up_to=EXACT_RANK_MAX,
            )  # fmt: skip
            counts = _kept(found)
        else:
            total = matching.order_by().values("id")[: COUNT_CAP + 1].count()
            counts = {"total": total, "facets": None, "approximate": False}
        if cache_key and with_facets:
            caches["search"].set(cache_key, counts, settings.SEARCH_CACHE_SECONDS)
    total, approximate = counts["total"], counts["approximate"]
    capped = total > COUNT_CAP
    num_pages = max(1, math.ceil(min(total, COUNT_CAP) / page_size))
    number, notice = _page_number(page, num_pages)

    offset = (number - 1) * page_size
    listings = []
    if total:
        # Without facets the count stops at COUNT_CAP + 1: past that it is not exact.
        exact_total = total if (with_facets and not approximate) or total <= COUNT_CAP else None
        ids = page_ids(
            matching, sort, query, offset, page_size, total=exact_total,
            cache_key=f"{cache_key}:ranked" if cache_key else None,
            ranked_ids=counts.get("ranked"),
            rank_by=rank_by, headlines=headlines, matches=total,
        )  # fmt: skip
        rows = base.model._default_manager.filter(id__in=ids).with_card_data()
        if query is not None:  # snippets for the rows on the page only
            rows = rows.annotate(snippet_text=headline(query))
        by_id = {listing.id: listing for listing in rows}
        listings = [by_id[i] for i in ids if i in by_id]
        if query is not None:
            for listing in listings:
                listing.snippet = snippet_of(listing)
    if has_text and not total and not _partial:
        kept, unknown = words_found(base, cleaned["q"])
        if kept and unknown:  # some words find nothing: the others' best matches
            cleaned["q"] = kept
            partial = run_search(listing_filter, page=page, with_facets=with_facets,
                                 page_size=page_size, sort=sort, _partial=True)  # fmt: skip
            partial.unknown_words = unknown
            return partial
    result = SearchPage(
        listings=listings,
        total=min(total, COUNT_CAP),
        total_is_capped=capped,
        estimated_total=total if approximate else None,
        counted_total=total if with_facets and not approximate else None,
        page_size=page_size,
        number=number,
        num_pages=num_pages,
        sort=sort,
        notice=notice,
        suggestion=useful_suggestion(listing_filter, base, cleaned["q"])
        if has_text and not total
        else "",
        places=places,
    )
    if with_facets:
        result.facets = facet_options(
            listing_filter, counts["facets"], approximate=counts["facets_approximate"]
        )
    return result


def keep_exact_counts(listing_filter, seconds: int) -> bool:
    """Count `listing_filter`'s search exactly and keep the counts for `seconds`, in
    place of the estimate a visitor would get: the summary of the search page without
    filters (every visitor opens it first), kept current by a scheduled task. False
    when there is nothing to keep (no search cache, or a board small enough to count
    exactly on every visit)."""
    listing_filter.is_valid()
    cleaned = listing_filter.form.cleaned_data
    cache_key = _counts_cache_key(cleaned)
    if not cache_key or small_board():
        return False
    facets = facet_counts(listing_filter, listing_filter.queryset)
    counts = Counts(total=total_of(listing_filter, facets), facets=facets)
    caches["search"].set(cache_key, _kept(counts), seconds)
    return True


def _kept(found: Counts) -> dict:
    """Counts as the search cache keeps them (the ranked ids only as far as pages go)."""
    return {
        "total": found.total,
        "facets": found.facets,
        "approximate": found.approximate,
        "facets_approximate": found.facets_approximate,
        "ranked": found.ranked_ids[:COUNT_CAP] if found.ranked_ids is not None else None,
    }


def _counts_cache_key(cleaned: dict) -> str | None:
    if not settings.SEARCH_CACHE_SECONDS:
        return None
    state = sorted(
        (name, sorted(map(str, value)) if isinstance(value, list | tuple) else str(value))
        for name, value in cleaned.items()
        if name != "sort" and value not in (None, "", [], ())
    )
    digest = hashlib.sha256(repr(state).encode()).hexdigest()
    return f"listings:search-counts:v2:{digest}"


def _page_number(raw: str | None, num_pages: int) -> tuple[int, str]:
    """The requested page, or the nearest real one with a note saying so."""
    raw = (raw or "").strip()
    if not raw:
        return 1, ""
    try:
        wanted = int(raw)
    except ValueError:
        return 1, f"There is no page “{raw[:20]}”; showing page 1 of {num_pages}."
    number = min(max(wanted, 1), num_pages)
    if number != wanted:
        return number, f"There is no page “{raw[:20]}”; showing page {number} of {num_pages}."
    return number, ""
