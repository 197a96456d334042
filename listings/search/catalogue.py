"""The small, admin-managed lists that searches use (role types, institutions,
certifications, synonyms), read in one query and cached so that a search page does
not query them every time. The admin forgets the cache when one of them changes."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import caches
from django.db import connection

CACHE_KEY = "listings:catalogue:v3"
CACHE_SECONDS = 300


@dataclass(frozen=True)
class Catalogue:
    role_types: list[tuple[str, str]]  # (slug, name), in admin order
    institutions: list[tuple[str, str]]
    certifications: list[tuple[str, str]]
    synonyms: list[tuple[str, str]]  # (term, equivalent)
    ids: dict[tuple[str, str], int]  # ("role" or "institution", slug) -> id
    cities: list[str]  # of approved labs, as spelled there
    # About how many listings there are (the planner's statistics, or the table's size
    # before the first ANALYZE): searches on a small board count exactly without asking.
    listing_rows: int = 0


def get_catalogue() -> Catalogue:
    catalogue = caches["search"].get(CACHE_KEY)
    if catalogue is None:
        lists: dict[str, list[tuple[str, str]]] = {
            "role": [], "institution": [], "cert": [], "synonym": [], "city": [], "size": []
        }  # fmt: skip
        ids: dict[tuple[str, str], int] = {}
        with connection.cursor() as cursor:  # one query for the four lists
            cursor.execute(
                "SELECT 'role', slug, name, position, id FROM listings_roletype "
                "UNION ALL SELECT 'institution', slug, name, 0, id FROM listings_institution "
                "UNION ALL SELECT 'cert', slug, name, 0, id FROM listings_certification "
                "UNION ALL SELECT 'synonym', term, equivalent, 0, id FROM listings_searchsynonym "
                "UNION ALL SELECT DISTINCT 'city', city, city, 0, 0 FROM listings_lab"
                " WHERE approved AND city <> '' "
                # The table's size: the planner's count, or the live rows counted
                # since (a bulk load not yet analyzed); never the file's size, which
                # rows deleted or rolled back keep large until a vacuum.
                "UNION ALL SELECT 'size', '', '', 0, greatest(c.reltuples::bigint,"
                " pg_stat_get_live_tuples(c.oid)) FROM pg_class c"
                " WHERE c.oid = 'listings_listing'::regclass "
                "ORDER BY 1, 4, 3"
            )
            listing_rows = 0
            for kind, slug, name, _position, pk in cursor.fetchall():
                if kind == "size":
                    listing_rows = pk
                    continue
                lists[kind].append((slug, name))
                if kind != "city":
                    ids[(kind, slug)] = pk
        catalogue = Catalogue(
            role_types=lists["role"],
            institutions=lists["institution"],
            certifications=lists["cert"],
            synonyms=lists["synonym"],
            ids=ids,
            cities=[name for _slug, name in lists["city"]],
            listing_rows=listing_rows,
        )
        caches["search"].set(CACHE_KEY, catalogue, CACHE_SECONDS)
    return catalogue


def forget_catalogue() -> None:
    """Call after changing role types, institutions, certifications or synonyms."""
    caches["search"].delete(CACHE_KEY)
