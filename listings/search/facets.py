"""Facet counts: for each option of each facet, how many results choosing it would
give, in one SQL pass."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet

from .catalogue import get_catalogue

FACETS = ("role", "comp", "schedule", "mode", "level", "institution")


@dataclass
class FacetOption:
    value: str
    label: str
    count: int | None  # None: an estimate whose sample saw none (it may have some)
    selected: bool
    approximate: bool = False

    @property
    def count_label(self) -> str:
        """ "12", "~1,200" (an estimate), or "" (the sample saw none)."""
        if self.count is None:
            return ""
        if self.approximate:
            return f"~{rounded(self.count):,}"
        return f"{self.count:,}"


def apply_filters(listing_filter, queryset: QuerySet, *, skip=()) -> QuerySet:
    """`queryset` narrowed by every valid filter of `listing_filter` except those in
    `skip`. Invalid values were dropped by validation, so the other filters apply."""
    cleaned = listing_filter.form.cleaned_data
    for name, search_filter in listing_filter.filters.items():
        if name in skip or name not in cleaned:
            continue
        queryset = search_filter.filter(queryset, cleaned[name])
    return queryset


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


def facet_counts(
    listing_filter, base: QuerySet, *, buckets: int | None = None, buckets_first=False,
    known_rows: tuple[int, int] | None = None,
) -> FacetCounts:  # fmt: skip
    """For each option of each facet, how many results choosing it would give.

    Disjunctive: a facet's counts apply every other filter but not its own, so
    ticking a second role type adds results. One SQL statement, one pass: the rows
    that match the words and the non-facet filters are grouped by institution (the
    facet with the most options), every other option is a filtered count within
    the group, and the groups are summed here. PostgreSQL may split the pass
    between parallel workers.

    With `buckets`, only the listings of the first `buckets` sample buckets are
    counted (`Listing.sample_bucket`: search.counts scales the counts up), an option
    the sample did not see is left out rather than counted 0 (it may have results),
    and the same statement counts the table's rows in those buckets and in all (the
    planner's count), which the scale needs, unless they are `known_rows` (in the
    buckets, in all: the catalogue's). `buckets_first`: the buckets' rows are read
    first and the search's conditions checked on them (_buckets_first)."""
    catalogue = get_catalogue()
    cleaned = listing_filter.form.cleaned_data
    sample = buckets is not None
    if sample:
        base = base.filter(sample_bucket__lt=buckets)
    scope = apply_filters(listing_filter, base, skip=FACETS).order_by()
    rows = scope.values_list(
        "facet_role_type_ids", "compensation", "schedules", "work_mode", "levels",
        "facet_institution_id",
    )  # fmt: skip
    scope_sql, scope_params = rows.query.sql_with_params()
    table = connection.ops.quote_name(scope.model._meta.db_table)
    if sample and buckets_first:
        scope_sql = _buckets_first(scope_sql, table, buckets)

    def stored(facet: str, value: str):
        """The value as the listing row stores it (ids for role and institution)."""
        return catalogue.ids.get((facet, value)) if facet in _ID_FACETS else value

    chosen_by_facet = {
        facet: [v for v in (stored(facet, str(c)) for c in cleaned[facet]) if v is not None]
        for facet in FACETS
        if cleaned.get(facet)
    }
    conditions: dict[str, tuple[str, list]] = {}
    for facet, chosen in chosen_by_facet.items():
        column, is_array = _FACET_COLUMNS[facet]
        cast = "bigint[]" if facet in _ID_FACETS else "varchar[]"
        operator = "&&" if is_array else "= ANY"
        conditions[facet] = (f"m.{column} {operator}(%s::{cast})", [chosen])

    def others(facet: str) -> tuple[str, list]:
        parts = [conditions[f] for f in FACETS if f != facet and f in conditions]
        return " AND ".join(["TRUE", *(sql for sql, _ in parts)]), [
            p for _, ps in parts for p in ps
        ]

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
    counts = FacetCounts({facet: {} for facet in FACETS})
    slugs = {pk: slug for (kind, slug), pk in catalogue.ids.items() if kind == "institution"}
    # Only fixed names from _FACET_COLUMNS; every value is a bound parameter.
    statement = f"SELECT m.i, {', '.join(columns)}, COUNT(*)"
    if sample and known_rows is None:  # the rows of the buckets and the table (any status)
        statement += (
            f", (SELECT COUNT(*) FROM {table} WHERE sample_bucket < %s),"  # noqa: S608
            # The planner's count, or the live rows counted since (a bulk load not
            # yet analyzed), as the catalogue reads the table's size.
            # (pg_stat_user_tables.n_live_tup, without planning the view: 1-2 ms)
            " (SELECT greatest(c.reltuples::bigint, pg_stat_get_live_tuples(c.oid))"
            " FROM pg_class c WHERE c.oid = %s::regclass)"
        )
        params.extend([buckets, scope.model._meta.db_table])
    statement += f" FROM ({scope_sql}) AS m (r, c, s, w, v, i) GROUP BY m.i"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(statement, [*params, *scope_params])
        for institution_id, *group in cursor.fetchall():
            # One institution's row: the option counts (`keys`), its own count, its
            # rows in the scope (and, for a sample, the two table counts).
            for (facet, value), n in zip(keys, group, strict=False):
                if n or not sample:  # a sample that saw none says nothing
                    counts[facet][value] = counts[facet].get(value, 0) + n
            if institution_id in slugs and group[len(keys)]:
                counts["institution"][slugs[institution_id]] = group[len(keys)]
            counts.scope_rows += group[len(keys) + 1]
            if sample and known_rows is None:
                counts.bucket_rows, counts.table_rows = group[-2], int(group[-1])
    if sample and known_rows is not None:
        counts.bucket_rows, counts.table_rows = known_rows
    return counts


def _buckets_first(sql: str, name: str, buckets: int) -> str:
    """`SELECT ... FROM table WHERE ...` reading the table's first `buckets` sample
    buckets, then checking the conditions on those rows only. For words in most
    listings ("research -volunteer": 74,000 of 100,000) the planner otherwise first
    lists every listing with the words from the word index (9 ms at 100k, ten times
    that at a million) to combine with the buckets' 3,800. `OFFSET 0` keeps the
    planner from merging the two levels."""
    source = f" FROM {name} WHERE "
    if source not in sql:
        raise ValueError(f"the scope does not read {name} directly")
    # `buckets` is an int computed by search.counts, never text from the request.
    first = f"(SELECT * FROM {name} WHERE sample_bucket < {int(buckets)} OFFSET 0) AS {name}"  # noqa: S608
    return sql.replace(source, f" FROM {first} WHERE ", 1)


class FacetCounts(dict):
    """facet -> option -> count, and how many rows the scope (the search without its
    facet filters) has: `scope_rows`. A sample's also says how many rows of the table
    its buckets hold (`bucket_rows`) of `table_rows` (the planner's count)."""

    scope_rows: int = 0
    bucket_rows: int = 0
    table_rows: int = 0


def rounded(n: int) -> int:
    """An estimate to two significant figures: 83,981 -> 84,000; 6,234 -> 6,200."""
    if n < 100:
        return n
    magnitude = 10 ** (len(str(n)) - 2)
    return round(n / magnitude) * magnitude


def facet_options(
    listing_filter, counts: dict[str, dict[str, int]], *, approximate=False, from_words=()
):
    """The options of each facet with their counts. Estimated counts leave out the
    options their sample did not see: those show no count rather than a false 0. The
    values taken from the words (`from_words`, search.understand) are not ticked:
    their chips and the words hold them, and unticking one could not take it out."""
    cleaned = listing_filter.form.cleaned_data
    taken = {(each.name, each.value) for each in from_words}
    facets = {}
    missing = None if approximate else 0
    for facet in FACETS:
        chosen = {str(v) for v in cleaned.get(facet) or [] if (facet, str(v)) not in taken}
        facets[facet] = [
            FacetOption(value=value, label=label, count=counts[facet].get(value, missing),
                        selected=value in chosen, approximate=approximate)
            for value, label in listing_filter.filters[facet].field.choices
        ]  # fmt: skip
    return facets
