"""One page of search results: the ids in order (ranked or sorted), the rows with
snippets, the capped total and the facet counts, for the search page, the feed and
the API. It imports no model: the FilterSet's queryset says which model it searches."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import caches

from . import ranking
from .catalogue import get_catalogue
from .chips import applied_filters
from .counts import Counts, planned_rows, search_counts, small_board, total_of
from .facets import FACETS, FacetOption, apply_filters, facet_counts, facet_options, rounded
from .parallel import Later, can_start
from .query import build_query, has_or, headline_query, rank_query, several_words, wanted_phrases
from .ranking import COUNT_CAP, Headlines, bound_for, page_ids
from .snippets import headline, snippet_of, snippet_statement, snippet_texts
from .suggest import useful_suggestion, words_found
from .understand import Understood, schedule_preposition, understand

PAGE_SIZE = 20
NOTHING_LIKELY = 0.005  # share of the listings (see _likely_finds_nothing)
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
    # Filters taken from the words (search.understand): a place, "remote", "MS1"
    understood: list[Understood] = field(default_factory=list)
    unknown_words: list[str] = field(default_factory=list)  # no listing mentions them
    # A large search's total and facet counts are estimates from a sample (search.counts)
    estimated_total: int | None = None
    # The whole total when it was counted (with the facets), even above COUNT_CAP
    counted_total: int | None = None
    # Nothing found with the filters taken from the words: how many the words find
    # without them ("remote data entry": none remote, 3 listings on site)
    elsewhere_total: int = 0
    page_size: int = PAGE_SIZE

    @property
    def shown_range(self) -> tuple[int, int] | None:
        """(21, 40): the results on this page, counted from 1."""
        if not self.listings:
            return None
        first = (self.number - 1) * self.page_size + 1
        return first, first + len(self.listings) - 1

    @property
    def understood_phrases(self) -> dict[str, list[tuple[str, str]]]:
        """The understood filters as the page says them, "Showing <before> listings
        <after>": {"before": [("", "remote")], "after": [("in", "Boston,
        Massachusetts"), ("on", "weekends"), ("open to", "MS1 or MS2")]}: values of
        one filter joined by "or", a city and its state by a comma."""
        prepositions = {
            "institution": "at", "level": "open to", "mode": "",
            "hours_max": "of", "certs": "",
        }  # fmt: skip
        order = ("mode", "hours_max", "city", "state", "institution", "schedule", "level",
                 "certs", "schedule_not", "mode_not", "certs_not")  # fmt: skip
        phrases = {"before": [], "after": []}
        last = None
        for each in sorted(self.understood, key=lambda u: order.index(u.name)):
            side = phrases["before" if each.name == "mode" else "after"]
            if each.refused:  # "no weekends": "listings not on weekends"
                side.append(("", each.label))
                last = None
                continue
            preposition = (
                schedule_preposition(each.value)
                if each.name == "schedule"
                else prepositions.get(each.name, "in")
            )
            if last is not None and side and side[-1][0] == preposition:
                joined = ", " if (last.name, each.name) == ("city", "state") else " or "
                side[-1] = (preposition, side[-1][1] + joined + each.label)
            else:
                side.append((preposition, each.label))
            last = each
        return phrases

    @property
    def understood_places_only(self) -> bool:
        return all(each.is_place for each in self.understood)

    @property
    def elsewhere_label(self) -> str:
        """ "3 listings", "1 listing", "1,000+ listings"."""
        count = min(self.elsewhere_total, COUNT_CAP)
        more = "+" if self.elsewhere_total > COUNT_CAP else ""
        return f"{count:,}{more} listing{'' if self.elsewhere_total == 1 else 's'}"

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


def run_search(
    listing_filter,
    *,
    page: str | None,
    with_facets: bool = True,
    page_size: int = PAGE_SIZE,
    sort: str | None = None,
    _partial: bool = False,
    _found_before: Headlines | None = None,
    _understood: list[Understood] | None = None,
) -> SearchPage:
    """The page of results, total and facets for a bound ListingFilter, searching
    its queryset (the callers pass published, unexpired listings)."""
    listing_filter.is_valid()  # fills cleaned_data; bad fields are reported by the form
    cleaned = listing_filter.form.cleaned_data
    # "nurse jobs in boston": the words "nurse", in Boston (the partial matches of
    # a search keep what the search understood: _understood)
    understood = _understood if _understood is not None else understand(cleaned)
    has_text = bool((cleaned.get("q") or "").strip())
    sort = sort or cleaned.get("sort") or ("relevance" if has_text else "newest")

    base = listing_filter.queryset
    matching = apply_filters(listing_filter, base)

    # Total and facets depend on the filters only, not on the page or the sort, and
    # are cached briefly: paging through or re-sorting a search reuses them.
    cache_key = _counts_cache_key(cleaned)
    counts = caches["search"].get(cache_key) if cache_key else None
    if counts is None and not _partial and _likely_finds_nothing(listing_filter, cleaned.get("q")):
        # A word no listing mentions ("phlebotomy zxqv"): no listing has every word,
        # so the page shows the others' best matches at once, without first counting
        # and ranking what cannot match (10-15 ms of a cold page at 100k listings).
        kept, unknown = words_found(base, cleaned["q"], alone=bool(understood))
        if kept and unknown:
            return _partial_matches(listing_filter, kept, unknown, page=page,
                                    with_facets=with_facets, page_size=page_size,
                                    sort=sort, understood=understood)  # fmt: skip
    rank_by = rank_query(cleaned["q"]) if has_text else None
    query = build_query(cleaned["q"]) if has_text else None
    headlines = None
    if query is not None and sort == "relevance":
        # A cold search of a large board likely ranks on its headlines: they are
        # looked up, and its likely order ranked, while the counts run
        # (search.ranking, search.parallel).
        headlines = Headlines(
            matching, headline_query(cleaned["q"]),
            rank_by if several_words(cleaned["q"]) else None,
            start=counts is None and not small_board(),
            rank_by=rank_by, bound=bound_for(_page_number(page, COUNT_CAP)[0], page_size),
            best_of=_found_before,
            filtered=bool(applied_filters(cleaned)), phrases=wanted_phrases(cleaned["q"]),
        )  # fmt: skip
    if counts is None:
        if with_facets:
            found = search_counts(
                listing_filter, base, matching, exact_up_to=COUNT_CAP,
                ranked=ranking.RankedMatches(matching, rank_by, headlines) if rank_by else None,
                rank_up_to=ranking.EXACT_RANK_MAX,  # read where page_ids reads it
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
        rows = base.model._default_manager.filter(id__any=ids).with_card_data(role_types=False)
        snippets = None  # snippets for the rows on the page only
        if query is not None and can_start(rows.db):
            # ts_headline parses each description (6-7 ms for 20 rows at 100k): in a
            # search thread, while this one loads the rows and builds their objects
            statement = snippet_statement(base.model, ids, query, rows.db)
            snippets = Later(snippet_texts, rows.db, statement, alias=rows.db)
        elif query is not None:
            rows = rows.annotate(snippet_text=headline(query))
        by_id = {listing.id: listing for listing in rows}
        listings = [by_id[i] for i in ids if i in by_id]
        catalogue = get_catalogue()
        for listing in listings:
            listing.role_names = catalogue.role_names(listing.facet_role_type_ids)
            # "bls" finds the listings that require BLS/CPR: their cards say so
            listing.certification_names = catalogue.certification_names(
                listing.facet_certification_ids
            )
        if query is not None:
            texts = snippets.result() if snippets is not None else None
            for listing in listings:
                if texts is not None:
                    listing.snippet_text = texts.get(listing.id, "")
                listing.snippet = snippet_of(listing)
    unknown = []  # words no open listing mentions
    if has_text and not total and not _partial:
        if headlines is not None:  # while the words are checked one by one
            headlines.look_up_now()
        # With filters taken from the words, a lone word and words none of which a
        # listing mentions are checked too (for the filter's listings, below)
        kept, unknown = words_found(base, cleaned["q"], alone=bool(understood))
        if kept and unknown:  # some words find nothing: the others' best matches
            return _partial_matches(listing_filter, kept, unknown, page=page,
                                    with_facets=with_facets, page_size=page_size, sort=sort,
                                    understood=understood, found_before=headlines)  # fmt: skip
    elsewhere = 0
    # One count, of a page that found nothing (the page and the JSON say it; the
    # feed, without facets, does not)
    if with_facets and has_text and not total and understood:
        without = apply_filters(listing_filter, base, skip={each.name for each in understood})
        elsewhere = without.order_by().values("id")[: COUNT_CAP + 1].count()
    suggestion = (
        useful_suggestion(listing_filter, base, cleaned["q"])
        if has_text and not total and not elsewhere
        else ""
    )
    if suggestion:  # with the words filters came from: "phlebotomy in Boston", not everywhere
        suggestion = " ".join([suggestion, *(each.words for each in understood)])
    elif unknown and not elsewhere:
        # "pre-med friendly": the filter taken from the words, and only words no
        # listing mentions, nor a rewrite of them: the filter's listings, saying so
        typed, cleaned["q"] = cleaned["q"], kept
        partial = run_search(listing_filter, page=page, with_facets=with_facets,
                             page_size=page_size, _partial=True,
                             _understood=understood)  # fmt: skip
        if partial.total:
            partial.unknown_words = unknown
            return partial
        cleaned["q"] = typed  # the filter finds nothing either: the page as it was
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
        suggestion=suggestion,
        understood=understood,
        elsewhere_total=elsewhere,
    )
    if with_facets:
        result.facets = facet_options(
            listing_filter, counts["facets"], approximate=counts["facets_approximate"],
            from_words=understood,
        )  # fmt: skip
    return result


def _likely_finds_nothing(listing_filter, text: str | None) -> bool:
    """Whether a search of words on a large board may find nothing, for want of a word
    no listing mentions: no "or" lets one word match without another, and the
    planner expects few matches in the search's scope (without its facet filters:
    the statement the counts explain first, explained once). It expects a word it
    has never seen in 0.3% of listings at most ("research zxqv": 277 of 100,000),
    so below NOTHING_LIKELY of them words_found says whether a word is one that no
    listing mentions (one statement, 1-2 ms)."""
    if not (text or "").strip() or has_or(text) or small_board():
        return False
    scope = apply_filters(listing_filter, listing_filter.queryset, skip=FACETS)
    return planned_rows(scope) < NOTHING_LIKELY * get_catalogue().listing_rows


def _partial_matches(listing_filter, kept: str, unknown: list[str], *, page, with_facets,
                     page_size, sort, understood, found_before=None) -> SearchPage:  # fmt: skip
    """The page of the words some listing mentions (`kept`), saying which find
    nothing (`unknown`), with the filters taken from the words as before."""
    listing_filter.form.cleaned_data["q"] = kept
    partial = run_search(listing_filter, page=page, with_facets=with_facets,
                         page_size=page_size, sort=sort, _partial=True,
                         _found_before=found_before, _understood=understood)  # fmt: skip
    partial.unknown_words = unknown
    return partial


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
