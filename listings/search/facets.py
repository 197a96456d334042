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
    count: int
    selected: bool


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


def facet_options(listing_filter, counts: dict[str, dict[str, int]]):
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
