"""The small, admin-managed lists that searches use (role types, institutions,
certifications, synonyms), read in one query and cached so that a search page does
not query them every time. The admin forgets the cache when one of them changes."""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass
from functools import cached_property

from django.core.cache import caches
from django.core.signals import request_finished, request_started
from django.db import connection

CACHE_KEY = "listings:catalogue:v4"
CACHE_SECONDS = 300
APPROX_ABOVE = 5_000  # planned matches above which counts are estimated (search.counts)
SAMPLE_BUCKETS = 1024  # values of Listing.sample_bucket (a power of two)
# The word index of a sample's first buckets (listing_sample_words): a sample of up to
# this many buckets looks its words up there, a sixteenth of the listings' entries
SAMPLE_WORD_BUCKETS = 64
MAX_SAMPLE_ROWS = 20_000  # a sample's buckets hold at most about this many listings


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
    # Rows (any status) in the first b sample buckets at index b - 1, for as many
    # buckets as a sample may read (search.counts): counted with listing_rows, so a
    # sample scales by the table over its buckets without counting them each time.
    bucket_rows: tuple[int, ...] = ()

    @cached_property
    def _role_order(self) -> dict[int, tuple[int, str]]:
        """Role type id -> (place in admin order, name), made once per catalogue."""
        return {
            self.ids[("role", slug)]: (place, name)
            for place, (slug, name) in enumerate(self.role_types)
        }

    def role_names(self, role_type_ids) -> list[str]:
        """The names of these role types in admin order (the order of role_types); an
        id the catalogue does not know (a role type added since) is left out."""
        order = self._role_order
        return [order[pk][1] for pk in sorted(
            (pk for pk in role_type_ids if pk in order), key=lambda pk: order[pk][0]
        )]  # fmt: skip

    @cached_property
    def _certification_names(self) -> dict[int, str]:
        """Certification id -> name, made once per catalogue."""
        return {self.ids[("cert", slug)]: name for slug, name in self.certifications}

    def certification_names(self, certification_ids) -> list[str]:
        """The names of these certifications, in name order; an id the catalogue does
        not know (one added since) is left out."""
        names = self._certification_names
        return sorted(names[pk] for pk in certification_ids if pk in names)

    def rows_in_buckets(self, buckets: int) -> int | None:
        """How many listings the first `buckets` sample buckets held (None: unknown)."""
        return self.bucket_rows[buckets - 1] if 0 < buckets <= len(self.bucket_rows) else None


def sample_buckets_most(listing_rows: int) -> int:
    """How many sample buckets a sample may read: those holding about MAX_SAMPLE_ROWS."""
    return min(SAMPLE_BUCKETS, max(1, SAMPLE_BUCKETS * MAX_SAMPLE_ROWS // max(listing_rows, 1)))


class _ThisRequest(threading.local):
    """The catalogue as a request first read it: a search page asks for it about
    fifteen times, each a read of the search cache (a round trip to Redis in
    production, and unpickling). Kept only while a request runs, never across."""

    running = False
    catalogue: Catalogue | None = None


_this_request = _ThisRequest()


def _request_started(**kwargs) -> None:
    _this_request.running, _this_request.catalogue = True, None


def _request_finished(**kwargs) -> None:
    _this_request.running, _this_request.catalogue = False, None


request_started.connect(_request_started, dispatch_uid="listings-catalogue-started")
request_finished.connect(_request_finished, dispatch_uid="listings-catalogue-finished")


def get_catalogue() -> Catalogue:
    if _this_request.catalogue is not None:
        return _this_request.catalogue
    catalogue = caches["search"].get(CACHE_KEY)
    if catalogue is None:
        lists: dict[str, list[tuple[str, str]]] = {
            "role": [], "institution": [], "cert": [], "synonym": [], "city": []
        }  # fmt: skip
        ids: dict[tuple[str, str], int] = {}
        with connection.cursor() as cursor:  # one query for the lists and the size
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
            # On a board large enough for samples, the rows of each bucket a sample
            # may read: an index-only scan of about MAX_SAMPLE_ROWS entries (a bound
            # the planner sees: a subquery's would be planned as a third of the table).
            most = sample_buckets_most(listing_rows) if listing_rows > APPROX_ABOVE else 0
            per_bucket = {}
            if most:
                cursor.execute(
                    "SELECT sample_bucket, count(*) FROM listings_listing"
                    " WHERE sample_bucket < %s GROUP BY sample_bucket",
                    [most],
                )
                per_bucket = dict(cursor.fetchall())
        catalogue = Catalogue(
            role_types=lists["role"],
            institutions=lists["institution"],
            certifications=lists["cert"],
            synonyms=lists["synonym"],
            ids=ids,
            cities=[name for _slug, name in lists["city"]],
            listing_rows=listing_rows,
            bucket_rows=tuple(itertools.accumulate(per_bucket.get(b, 0) for b in range(most))),
        )
        caches["search"].set(CACHE_KEY, catalogue, CACHE_SECONDS)
    if _this_request.running:
        _this_request.catalogue = catalogue
    return catalogue


def forget_catalogue() -> None:
    """Call after changing role types, institutions, certifications or synonyms."""
    caches["search"].delete(CACHE_KEY)
    _this_request.catalogue = None
