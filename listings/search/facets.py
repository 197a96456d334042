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
    listing_filter, base: QuerySet, *, sample_percent: float | None = None
) -> dict[str, dict[str, int]]:
    """For each option of each facet, how many results choosing it would give.

    Disjunctive: a facet's counts apply every other filter but not its own, so
    ticking a second role type adds results. One SQL statement, one pass: the rows
    that match the words and the non-facet filters are grouped by institution (the
    facet with the most options), every other option is a filtered count within
    the group, and the groups are summed here. PostgreSQL may split the pass
    between parallel workers.

    With `sample_percent`, the pass reads only that share of the table's pages
    (`TABLESAMPLE SYSTEM`, the same pages for the same table state) and the counts
    are those of the sample: `search.counts` scales them into estimates. The same
    pass counts the rows and pages it read, which the scale needs."""
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
    # A sample reads every row of its pages; `m.k` says whether a row is in the scope.
    in_scope = "TRUE" if sample_percent is None else "m.k"

    def others(facet: str) -> tuple[str, list]:
        parts = [conditions[f] for f in FACETS if f != facet and f in conditions]
        return " AND ".join([in_scope, *(sql for sql, _ in parts)]), [
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
    counts: dict[str, dict[str, int]] = {facet: {} for facet in FACETS}
    slugs = {pk: slug for (kind, slug), pk in catalogue.ids.items() if kind == "institution"}

    def add(institution_id, group):
        """One institution's row: the option counts (`keys`), then its own count."""
        for (facet, value), n in zip(keys, group, strict=False):
            if n or sample_percent is None:  # a sample that saw none says nothing
                counts[facet][value] = counts[facet].get(value, 0) + n
        if institution_id in slugs and group[len(keys)]:
            counts["institution"][slugs[institution_id]] = group[len(keys)]

    # Only fixed names from _FACET_COLUMNS; every value is a bound parameter.
    if sample_percent is None:
        statement = (
            f"SELECT m.i, {', '.join(columns)} FROM ({scope_sql}) AS m (r, c, s, w, v, i) "  # noqa: S608
            "GROUP BY m.i"
        )
        with connection.cursor() as cursor:
            cursor.execute(statement, [*params, *scope_params])
            for institution_id, *group in cursor.fetchall():
                add(institution_id, group)
        return counts

    # The sample: one pass over the sampled pages counts the options in the scope,
    # the scope's rows, and every row and page read (to scale the counts up).
    table = scope.model._meta.db_table
    statement = (
        f"SELECT GROUPING(m.i), m.i, {', '.join(columns)}, COUNT(*) FILTER (WHERE m.k), "  # noqa: S608
        "COUNT(*), COUNT(DISTINCT m.p), (SELECT reltuples FROM pg_class WHERE oid = %s::regclass) "
        f"FROM ({_sampled_scope(scope_sql, table, sample_percent)}) "
        "AS m (r, c, s, w, v, i, k, p) GROUP BY GROUPING SETS ((m.i), ())"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [*params, table, *scope_params])
        for grand_total, institution_id, *group in cursor.fetchall():
            if grand_total:
                scope_rows, read_rows, read_pages, table_rows = group[-4:]
            else:
                add(institution_id, group)
    return SampledCounts(
        counts, rows=scope_rows, read_rows=read_rows, read_pages=read_pages,
        table_rows=table_rows,
    )  # fmt: skip


class SampledCounts(dict):
    """The counts of a sample: how many rows of the scope it saw (`rows`), and how
    many rows and pages of the table it read, of `table_rows` (the planner's count)."""

    def __init__(self, counts: dict, *, rows: int, read_rows=0, read_pages=0, table_rows=0):
        super().__init__(counts)
        self.rows = rows
        self.read_rows = read_rows
        self.read_pages = read_pages
        self.table_rows = table_rows


def rounded(n: int) -> int:
    """An estimate to two significant figures: 83,981 -> 84,000; 6,234 -> 6,200."""
    if n < 100:
        return n
    magnitude = 10 ** (len(str(n)) - 2)
    return round(n / magnitude) * magnitude


SAMPLE_SEED = 20261127  # the same search samples the same pages, so its estimate holds still


def sample_clause(table: str, percent: float) -> str:
    """`FROM table` reading `percent` of its pages: the same pages for the same table
    state and percent, so that a search's estimate holds still."""
    # `percent` is a float computed here, never text from the request.
    return (
        f"FROM {connection.ops.quote_name(table)} "
        f"TABLESAMPLE SYSTEM ({float(percent):.6f}) REPEATABLE ({SAMPLE_SEED})"
    )


def _sampled_scope(sql: str, table: str, percent: float) -> str:
    """`SELECT columns FROM table WHERE condition` as a read of `percent` of `table`'s
    pages that keeps every row of them: `SELECT columns, condition, page FROM table
    TABLESAMPLE ...` (the condition's parameters stay in their order)."""
    source = f" FROM {connection.ops.quote_name(table)} WHERE "
    if source not in sql:
        raise ValueError(f"the scope does not read {table} directly")
    columns, condition = sql.split(source, 1)
    return f"{columns}, ({condition}), (ctid::text::point)[0] {sample_clause(table, percent)}"


def facet_options(listing_filter, counts: dict[str, dict[str, int]], *, approximate=False):
    """The options of each facet with their counts. Estimated counts leave out the
    options their sample did not see: those show no count rather than a false 0."""
    cleaned = listing_filter.form.cleaned_data
    facets = {}
    missing = None if approximate else 0
    for facet in FACETS:
        chosen = {str(v) for v in cleaned.get(facet) or []}
        facets[facet] = [
            FacetOption(value=value, label=label, count=counts[facet].get(value, missing),
                        selected=value in chosen, approximate=approximate)
            for value, label in listing_filter.filters[facet].field.choices
        ]  # fmt: skip
    return facets
