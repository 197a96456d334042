"""One page of search results: the ids in order (ranked or sorted), the rows with
snippets, the capped total and the facet counts, for the search page, the feed and
the API. It imports no model: the FilterSet's queryset says which model it searches."""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import caches
from django.db.models import F, QuerySet

from .facets import FacetOption, apply_filters, facet_counts, facet_options
from .places import understand_places
from .query import build_query
from .snippets import headline, snippet_of
from .suggest import suggest

COUNT_CAP = 1000
RANK_CANDIDATES = 200
EXACT_RANK_MAX = 3_000  # up to this many matches, every one is ranked
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
    def total_label(self) -> str:
        return f"{COUNT_CAP:,}+" if self.total_is_capped else f"{self.total:,}"


def order(queryset: QuerySet, sort: str) -> QuerySet:
    """Order by a sort other than relevance (see page_ids for that)."""
    if sort == "deadline":
        return queryset.order_by(F("deadline").asc(nulls_last=True), "-published_at", "-id")
    if sort == "pay":
        return queryset.order_by(F("pay_rate").desc(nulls_last=True), "-published_at", "-id")
    return queryset.order_by("-published_at", "-id")


def page_ids(
    matching: QuerySet,
    sort: str,
    query,
    offset: int,
    size: int,
    total: int | None = None,
    cache_key: str | None = None,
) -> list[int]:
    """The ids of one page of results, in order, in one query."""
    if sort != "relevance" or query is None:
        return list(order(matching, sort).values_list("id", flat=True)[offset : offset + size])
    if total is not None and total <= EXACT_RANK_MAX:
        # Every match ranked: the exact best first (bench_search reports the top-10
        # overlap). The order is kept with the counts, so paging and other students
        # running the same search do not rank again.
        ranked_ids = caches["search"].get(cache_key) if cache_key else None
        if ranked_ids is None:
            ranked = matching.ranked(query).values_list("id", flat=True)[:COUNT_CAP]
            ranked_ids = list(ranked)
            if cache_key:
                caches["search"].set(cache_key, ranked_ids, settings.SEARCH_CACHE_SECONDS)
        return ranked_ids[offset : offset + size]
    # A broad word: rank a bounded set of candidates, the newest matches, so that it
    # does not compute a rank for every listing that contains it (110-140 ms for
    # 30,000-84,000 matches); deeper pages widen it.
    bound = min(COUNT_CAP, max(RANK_CANDIDATES, offset + size))
    candidates = matching.order_by("-published_at", "-id").values("id")[:bound]
    ranked = matching.model._default_manager.filter(id__in=candidates).ranked(query)
    return list(ranked.values_list("id", flat=True)[offset : offset + size])


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
    if counts is None:
        if with_facets:
            facets = facet_counts(listing_filter, base)
            # Every listing has exactly one compensation, so the compensation counts
            # (all options, or the chosen ones) add up to the exact total.
            chosen = cleaned.get("comp") or list(facets["comp"])
            total = sum(facets["comp"].get(value, 0) for value in chosen)
        else:
            facets = None
            total = matching.order_by().values("id")[: COUNT_CAP + 1].count()
        counts = {"total": total, "facets": facets}
        if cache_key and with_facets:
            caches["search"].set(cache_key, counts, settings.SEARCH_CACHE_SECONDS)
    total = counts["total"]
    capped = total > COUNT_CAP
    num_pages = max(1, math.ceil(min(total, COUNT_CAP) / page_size))
    number, notice = _page_number(page, num_pages)

    offset = (number - 1) * page_size
    query = build_query(cleaned["q"]) if has_text else None
    listings = []
    if total:
        # Without facets the count stops at COUNT_CAP + 1: past that it is not exact.
        exact_total = total if with_facets or total <= COUNT_CAP else None
        ids = page_ids(
            matching, sort, query, offset, page_size, total=exact_total,
            cache_key=f"{cache_key}:ranked" if cache_key else None,
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
        kept, unknown = _words_found(base, cleaned["q"])
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
        number=number,
        num_pages=num_pages,
        sort=sort,
        notice=notice,
        suggestion=_useful_suggestion(listing_filter, base, cleaned["q"])
        if has_text and not total
        else "",
        places=places,
    )
    if with_facets:
        result.facets = facet_options(listing_filter, counts["facets"])
    return result


_PLAIN_WORD = re.compile(r'(?<![\w"-])[^\W\d_][\w-]*')
MAX_WORDS_CHECKED = 6


def _words_found(base: QuerySet, text: str) -> tuple[str, list[str]]:
    """When no listing matches every word: `text` without the plain words that no
    open listing mentions, and those words (a query per word, at most six). Quoted
    phrases, negated words and "or" are left as they are."""
    in_quotes, inside = [], False
    for char in text:
        inside = not inside if char == '"' else inside
        in_quotes.append(inside)
    words = [m for m in _PLAIN_WORD.finditer(text) if not in_quotes[m.start()]]
    words = [m for m in words if m.group().lower() != "or"][:MAX_WORDS_CHECKED]
    if len(words) < 2:
        return "", []
    unknown = [m for m in words if not base.search(m.group()).exists()]
    if not unknown or len(unknown) == len(words):
        return "", []
    kept = text
    for match in reversed(unknown):
        kept = kept[: match.start()] + kept[match.end() :]
    return " ".join(kept.split()), [m.group() for m in unknown]


def _useful_suggestion(listing_filter, base: QuerySet, text: str) -> str:
    """ "Did you mean" only offers a rewrite that finds something with the same filters
    (one query, and only when a search with words found nothing)."""
    suggestion = suggest(text)
    if not suggestion:
        return ""
    others = apply_filters(listing_filter, base, skip=("q",))
    return suggestion if others.search(suggestion).exists() else ""


def _counts_cache_key(cleaned: dict) -> str | None:
    if not settings.SEARCH_CACHE_SECONDS:
        return None
    state = sorted(
        (name, sorted(map(str, value)) if isinstance(value, list | tuple) else str(value))
        for name, value in cleaned.items()
        if name != "sort" and value not in (None, "", [], ())
    )
    digest = hashlib.sha256(repr(state).encode()).hexdigest()
    return f"listings:search-counts:v1:{digest}"


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
