"""Listing search on PostgreSQL alone: websearch syntax with synonyms, ranking on the
stored vector, capped counts, disjunctive facet counts in one query, snippets."""

from __future__ import annotations

import hashlib
import itertools
import math
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.postgres.search import SearchHeadline, SearchQuery
from django.core.cache import caches
from django.db import connection
from django.db.models import F, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .catalogue import get_catalogue

SEARCH_CONFIG = "labjobs"  # english stemming + unaccent (migration 0007)
COUNT_CAP = 1000
RANK_CANDIDATES = 200
PAGE_SIZE = 20
MAX_VARIANTS = 16
FACETS = ("role", "comp", "schedule", "mode", "level", "institution")
SORTS = {
    "relevance": "Relevance",
    "newest": "Newest",
    "deadline": "Deadline (soonest first)",
    "pay": "Pay (highest first)",
}
_MARK_START, _MARK_STOP = "\ue000", "\ue001"  # private-use characters: never in real text


# -- synonyms ------------------------------------------------------------------------
def synonym_pairs() -> list[tuple[str, str]]:
    return get_catalogue().synonyms


def query_variants(text: str, pairs: list[tuple[str, str]] | None = None) -> list[str]:
    """`text` and its rewrites with each synonym swapped in, e.g. "blood draw clinic"
    -> ["blood draw clinic", "phlebotomy clinic"]. Negated words ("-RA") stay as
    they are; a multi-word replacement outside quotes becomes a quoted phrase."""
    pairs = synonym_pairs() if pairs is None else pairs
    alternatives = _equivalence_classes(pairs)
    spots = []  # (start, end, [replacements])
    taken = [False] * len(text)
    in_quotes = _quoted_mask(text)
    # Longest phrases first, so "blood draw" wins over "blood".
    for phrase in sorted(alternatives, key=len, reverse=True):
        pattern = re.compile(rf"(?<![\w-]){re.escape(phrase)}(?!\w)", re.IGNORECASE)
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(taken[start:end]):
                continue
            quoted = in_quotes[start]
            options = [
                alt if quoted or " " not in alt else f'"{alt}"'
                for alt in sorted(alternatives[phrase])
            ]
            spots.append((start, end, options))
            for i in range(start, end):
                taken[i] = True
    spots.sort()
    variants = [text]
    choices = [[None, *options] for _, _, options in spots]
    for combination in itertools.islice(itertools.product(*choices), 1, MAX_VARIANTS):
        pieces, cursor = [], 0
        for (start, end, _), replacement in zip(spots, combination, strict=True):
            pieces.append(text[cursor:start])
            pieces.append(text[start:end] if replacement is None else replacement)
            cursor = end
        pieces.append(text[cursor:])
        variants.append("".join(pieces))
    return variants


def _equivalence_classes(pairs: list[tuple[str, str]]) -> dict[str, set[str]]:
    """Each word or phrase -> every other one it is linked to, directly or through
    others ("blood draw" = "phlebotomy" = "phlebotomist")."""
    parent: dict[str, str] = {}
    spelling: dict[str, str] = {}

    def root(key: str) -> str:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for term, equivalent in pairs:
        for word in (term, equivalent):
            parent.setdefault(word.lower(), word.lower())
            spelling.setdefault(word.lower(), word)
        parent[root(term.lower())] = root(equivalent.lower())
    classes: dict[str, set[str]] = {}
    for key in parent:
        classes.setdefault(root(key), set()).add(key)
    return {
        key: {spelling[other] for other in classes[root(key)] if other != key} for key in parent
    }


def _quoted_mask(text: str) -> list[bool]:
    mask, inside = [], False
    for char in text:
        if char == '"':
            inside = not inside
        mask.append(inside)
    return mask


def build_query(text: str) -> SearchQuery | None:
    """One tsquery for `text` in websearch syntax, OR'ed with its synonym rewrites."""
    text = (text or "").strip()
    if not text:
        return None
    query = None
    for variant in query_variants(text):
        part = SearchQuery(variant, search_type="websearch", config=SEARCH_CONFIG)
        query = part if query is None else query | part
    return query


# -- running a search ----------------------------------------------------------------
@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


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

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def total_label(self) -> str:
        return f"{COUNT_CAP:,}+" if self.total_is_capped else f"{self.total:,}"


def apply_filters(listing_filter, queryset: QuerySet, *, skip=()) -> QuerySet:
    """`queryset` narrowed by every valid filter of `listing_filter` except those in
    `skip`. Invalid values were dropped by validation, so the other filters apply."""
    cleaned = listing_filter.form.cleaned_data
    for name, search_filter in listing_filter.filters.items():
        if name in skip or name not in cleaned:
            continue
        queryset = search_filter.filter(queryset, cleaned[name])
    return queryset


def order(queryset: QuerySet, sort: str) -> QuerySet:
    """Order by a sort other than relevance (see page_ids for that)."""
    if sort == "deadline":
        return queryset.order_by(F("deadline").asc(nulls_last=True), "-published_at", "-id")
    if sort == "pay":
        return queryset.order_by(F("pay_rate").desc(nulls_last=True), "-published_at", "-id")
    return queryset.order_by("-published_at", "-id")


def page_ids(matching: QuerySet, sort: str, query, offset: int, size: int) -> list[int]:
    """The ids of one page of results, in order, in one query."""
    from .models import Listing

    if sort != "relevance" or query is None:
        return list(order(matching, sort).values_list("id", flat=True)[offset : offset + size])
    # Rank a bounded set of candidates, the newest matches, so that a broad word does
    # not compute a rank for every listing that contains it; deeper pages widen it.
    bound = min(COUNT_CAP, max(RANK_CANDIDATES, offset + size))
    candidates = matching.order_by("-published_at", "-id").values("id")[:bound]
    ranked = Listing.objects.filter(id__in=candidates).ranked(query)
    return list(ranked.values_list("id", flat=True)[offset : offset + size])


def run_search(
    listing_filter,
    *,
    page: str | None,
    with_facets: bool = True,
    page_size: int = PAGE_SIZE,
    sort: str | None = None,
) -> SearchPage:
    """The page of results, total and facets for a bound ListingFilter, searching
    its queryset (the callers pass published, unexpired listings)."""
    from .models import Listing

    listing_filter.is_valid()  # fills cleaned_data; bad fields are reported by the form
    cleaned = listing_filter.form.cleaned_data
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
        ids = page_ids(matching, sort, query, offset, page_size)
        rows = Listing.objects.filter(id__in=ids).with_card_data()
        if query is not None:  # snippets for the rows on the page only
            rows = rows.annotate(snippet_text=_headline(query))
        by_id = {listing.id: listing for listing in rows}
        listings = [by_id[i] for i in ids if i in by_id]
        if query is not None:
            for listing in listings:
                listing.snippet = highlight(listing.snippet_text or "")
    result = SearchPage(
        listings=listings,
        total=min(total, COUNT_CAP),
        total_is_capped=capped,
        number=number,
        num_pages=num_pages,
        sort=sort,
        notice=notice,
        suggestion=suggest(cleaned["q"]) if has_text and not total else "",
    )
    if with_facets:
        result.facets = _facet_options(listing_filter, counts["facets"])
    return result


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


def _headline(query: SearchQuery) -> SearchHeadline:
    """A highlighted snippet of the description, matches between private markers."""
    return SearchHeadline(
        "description",
        query,
        config=SEARCH_CONFIG,
        start_sel=_MARK_START,
        stop_sel=_MARK_STOP,
        max_words=30,
        min_words=12,
        max_fragments=2,
        fragment_delimiter=" … ",
    )


def highlight(snippet: str) -> SafeString:
    """Escape the listing's own text, then turn the match markers into <mark>."""
    html = escape(snippet).replace(_MARK_START, "<mark>").replace(_MARK_STOP, "</mark>")
    return mark_safe(html)  # noqa: S308 - escaped just above; only our own tags added


# -- did you mean -------------------------------------------------------------------
_WORD = re.compile(r"(?<![\w-])[^\W\d_]{3,40}(?!\w)")


def suggest(text: str) -> str:
    """`text` with each word that no open listing uses replaced by the most similar
    word that one does ("flebotomy" -> "phlebotomy"); "" when nothing changes."""
    words = [m for m in _WORD.finditer(text) if m.group().lower() != "or"]
    if not words:
        return ""
    with connection.cursor() as cursor:  # one query for all the words
        cursor.execute(
            "SELECT (SELECT word FROM listings_search_word WHERE word = lower(unaccent(w)))"
            " IS NOT NULL,"
            " (SELECT word FROM listings_search_word WHERE word %% lower(unaccent(w))"
            "   ORDER BY word <-> lower(unaccent(w)), listings DESC LIMIT 1)"
            " FROM unnest(%s::text[]) WITH ORDINALITY AS t(w, n) ORDER BY n",
            [[m.group() for m in words]],
        )
        rows = cursor.fetchall()
    pieces, cursor_at, changed = [], 0, False
    for match, (known, closest) in zip(words, rows, strict=True):
        pieces.append(text[cursor_at : match.start()])
        if not known and closest:
            pieces.append(closest)
            changed = True
        else:
            pieces.append(match.group())
        cursor_at = match.end()
    pieces.append(text[cursor_at:])
    return "".join(pieces) if changed else ""


def refresh_search_words() -> None:
    """Rebuild the vocabulary that suggestions come from (after bulk changes, by cron)."""
    with connection.cursor() as cursor:
        if connection.in_atomic_block:
            cursor.execute("REFRESH MATERIALIZED VIEW listings_search_word")
        else:  # readers are not blocked while it rebuilds
            cursor.execute("REFRESH MATERIALIZED VIEW CONCURRENTLY listings_search_word")


# -- facets ----------------------------------------------------------------------
# Each facet: its column in the one-pass scan below, and whether it holds an array.
_FACET_COLUMNS = {
    "role": ("r", True),
    "comp": ("c", False),
    "schedule": ("s", True),
    "mode": ("w", False),
    "level": ("v", True),
    "institution": ("i", False),
}
_ID_FACETS = {"role": "role", "institution": "institution"}  # facets stored as ids


def facet_counts(listing_filter, base: QuerySet) -> dict[str, dict[str, int]]:
    """For each option of each facet, how many results choosing it would give.

    Disjunctive: a facet's counts apply every other filter but not its own, so
    ticking a second role type adds results. One SQL statement, one pass: the rows
    that match the words and the non-facet filters are grouped by institution (the
    facet with the most options), every other option is a filtered count within
    the group, and the groups are summed here. PostgreSQL may split the pass
    between parallel workers."""
    catalogue = get_catalogue()
    cleaned = listing_filter.form.cleaned_data
    scope = apply_filters(listing_filter, base, skip=FACETS).order_by()
    rows = scope.values_list(
        "facet_role_type_ids", "compensation", "schedules", "work_mode", "levels",
        "facet_institution_id",
    )  # fmt: skip
    scope_sql, scope_params = rows.query.sql_with_params()

    def stored(facet: str, value: str):
        """The value as the listing row stores it (ids for role and institution)."""
        return catalogue.ids.get((facet, value)) if facet in _ID_FACETS else value

    conditions: dict[str, tuple[str, list]] = {}
    for facet in FACETS:
        chosen = [stored(facet, str(v)) for v in cleaned.get(facet) or []]
        chosen = [v for v in chosen if v is not None]
        if cleaned.get(facet):
            column, is_array = _FACET_COLUMNS[facet]
            cast = "bigint[]" if facet in _ID_FACETS else "varchar[]"
            operator = "&&" if is_array else "= ANY"
            conditions[facet] = (f"m.{column} {operator}(%s::{cast})", [chosen])

    def others(facet: str) -> tuple[str, list]:
        parts = [conditions[f] for f in FACETS if f != facet and f in conditions]
        return " AND ".join(sql for sql, _ in parts) or "TRUE", [p for _, ps in parts for p in ps]

    columns, params, keys = [], [], []
    for facet in FACETS:
        if facet == "institution":
            continue
        column, is_array = _FACET_COLUMNS[facet]
        where, where_params = others(facet)
        for value, _label in listing_filter.filters[facet].field.choices:
            option = stored(facet, value)
            if option is None:
                continue
            match = f"%s = ANY(m.{column})" if is_array else f"m.{column} = %s"
            columns.append(f"COUNT(*) FILTER (WHERE {where} AND {match})")
            params.extend([*where_params, option])
            keys.append((facet, value))
    where, where_params = others("institution")
    columns.append(f"COUNT(*) FILTER (WHERE {where})")
    params.extend(where_params)
    # Only fixed names from _FACET_COLUMNS; every value is a bound parameter.
    statement = (
        f"SELECT m.i, {', '.join(columns)} FROM ({scope_sql}) AS m (r, c, s, w, v, i) "  # noqa: S608
        "GROUP BY m.i"
    )
    counts: dict[str, dict[str, int]] = {facet: {} for facet in FACETS}
    slugs = {pk: slug for (kind, slug), pk in catalogue.ids.items() if kind == "institution"}
    with connection.cursor() as cursor:
        cursor.execute(statement, [*params, *scope_params])
        for institution_id, *group in cursor.fetchall():
            for (facet, value), n in zip(keys, group, strict=False):
                counts[facet][value] = counts[facet].get(value, 0) + n
            if institution_id in slugs and group[-1]:
                counts["institution"][slugs[institution_id]] = group[-1]
    return counts


def _facet_options(listing_filter, counts: dict[str, dict[str, int]]):
    cleaned = listing_filter.form.cleaned_data
    facets = {}
    for facet in FACETS:
        chosen = {str(v) for v in cleaned.get(facet) or []}
        facets[facet] = [
            FacetOption(value=value, label=label, count=counts[facet].get(value, 0),
                        selected=value in chosen)
            for value, label in listing_filter.filters[facet].field.choices
        ]  # fmt: skip
    return facets
