"""The narrow copy of each published listing's headline that broad searches rank on.

A word found in thousands of listings cannot be ranked over every full search vector
within a page's time (80 ms for "research" at 100,000 listings). Its best matches are
nearly always listings with the word in their title or role types, so a search first
ranks this small table (about 160 bytes a row) to pick candidates, then ranks only
those on their full vectors (`search.page.page_ids`). A database trigger (migration
0017) keeps it: a row per published listing, updated with the listing, removed when it
leaves the published state or is deleted."""

import re

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchRank, SearchVectorField
from django.db import connections, models
from django.db.models import F
from django.db.models.functions import Ln
from django.utils import timezone


class ListingHeadline(models.Model):
    listing = models.OneToOneField(
        "listings.Listing", on_delete=models.DO_NOTHING, primary_key=True,
        db_constraint=False, related_name="+",
    )  # fmt: skip
    # title (weight A) and role type names (B), as in the full search vector
    headline_vector = SearchVectorField()
    # words in the listing's whole search document: ts_rank's length normalisation
    length = models.IntegerField()
    published_at = models.DateTimeField(null=True)
    expires_at = models.DateTimeField(null=True)

    class Meta:
        indexes = [GinIndex(fields=["headline_vector"], name="listing_headline_vector")]

    def __str__(self) -> str:
        return f"headline of listing {self.listing_id}"


class HeadlineTerm(models.Model):
    """Each word of a published listing's headline, with its part of the headline's
    score (its `ts_rank` over the headline, divided by ln(length + 2), the same score
    `best_headlines` ranks on). A word's best headlines are then the first entries of
    one index, not every headline with the word ranked (420,000 of them for
    "research" at a million listings, 135 ms): `best_headlines`. Kept from the
    headline table by a trigger (migration 0026)."""

    pk = models.CompositePrimaryKey("listing_id", "lexeme")
    listing_id = models.BigIntegerField()
    lexeme = models.TextField()
    impact = models.FloatField()
    published_at = models.DateTimeField(null=True)
    expires_at = models.DateTimeField(null=True)

    class Meta:
        indexes = [
            models.Index(
                F("lexeme"),
                F("impact").desc(),
                F("published_at").desc(),
                name="headline_term_best",
            ),  # fmt: skip
        ]

    def __str__(self) -> str:
        return f"{self.lexeme} in listing {self.listing_id}"


# Every headline's words, written at once (seed_bench loads without the trigger).
FILL_HEADLINE_TERMS = """
INSERT INTO listings_headlineterm (listing_id, lexeme, impact, published_at, expires_at)
SELECT h.listing_id, u.lexeme,
       ts_rank(h.headline_vector, listings_lexeme_query(u.lexeme)) / LN((h.length + 2)),
       h.published_at, h.expires_at
  FROM listings_listingheadline h, unnest(h.headline_vector) AS u
"""
# A tsquery's text that is one plain lexeme ('research'), quotes doubled inside.
_ONE_LEXEME = r"'((?:[^'\\]|''|\\.)+)'"
# The query's text and, when it is a single node, its lexeme's first entries.
_FIRST_ENTRIES = """
WITH query AS (SELECT {query} AS q)
SELECT query.q::text, t.listing_id
  FROM query LEFT JOIN LATERAL (
       SELECT h.listing_id FROM listings_headlineterm h
        WHERE numnode(query.q) = 1
          AND h.lexeme = replace(replace((regexp_match(query.q::text, %s))[1],
                                         chr(39) || chr(39), chr(39)),
                                 chr(92) || chr(92), chr(92))
          AND h.expires_at > %s
        ORDER BY h.impact DESC, h.published_at DESC LIMIT %s) AS t ON TRUE
"""


def _headline_ranking(query, using: str):
    """Open listings' headlines matching `query`, best first: ts_rank over the
    headline divided by ln(length + 2), newest on ties."""
    score = SearchRank(F("headline_vector"), query) / Ln(F("length") + 2)
    return (
        ListingHeadline.objects.using(using)
        .filter(headline_vector=query, expires_at__gt=timezone.now())
        .annotate(score=score)
        .order_by("-score", "-published_at")
    )


def best_headlines(query, limit: int, *, using: str = "default") -> list[int]:
    """Ids of up to `limit` open listings whose headline matches `query` best.

    A query of one word (after its synonyms: "research", not "phlebotomy"): its
    first `limit` entries in the terms' index, the same list as ranking every
    headline with the word (one index range instead of 420,000 headlines ranked for
    "research" at a million listings). Any other query ranks every matching
    headline. Words or-ed together could in principle be found from each word's
    first entries too (ts_rank scores them as the mean of their parts), but on
    listings whose titles repeat, the best headlines are those with several of the
    words, spread deep in every word's entries: the first 500 of each held 109 of
    the best 500 for "phlebotomist" and its synonyms at a million."""
    compiler = ListingHeadline.objects.using(using).query.get_compiler(using=using)
    query_sql, query_params = compiler.compile(query.resolve_expression(compiler.query))
    with connections[using].cursor() as cursor:
        cursor.execute(
            _FIRST_ENTRIES.format(query=query_sql),
            [*query_params, f"^{_ONE_LEXEME}$", timezone.now(), limit],
        )
        rows = cursor.fetchall()
    if rows and re.fullmatch(_ONE_LEXEME, rows[0][0]):
        return [listing_id for _text, listing_id in rows if listing_id is not None]
    return list(_headline_ranking(query, using).values_list("listing_id", flat=True)[:limit])
