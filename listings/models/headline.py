"""The narrow copy of each published listing's headline that broad searches rank on.

A word found in thousands of listings cannot be ranked over every full search vector
within a page's time (80 ms for "research" at 100,000 listings). Its best matches are
nearly always listings with the word in their title or role types, so a search first
ranks this small table (about 160 bytes a row) to pick candidates, then ranks only
those on their full vectors (`search.page.page_ids`). A database trigger (migration
0017) keeps it: a row per published listing, updated with the listing, removed when it
leaves the published state or is deleted."""

import itertools
import json
import re

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchRank, SearchVectorField
from django.db import connections, models, transaction
from django.db.models import F
from django.db.models.functions import Ln
from django.utils import timezone

from listings.search.query import synonym_group_queries

from .labs import SearchSynonym


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


class HeadlineGroup(models.Model):
    """A word's synonym group as a search for the word ranks headlines on ("phlebotomy"
    or "blood draw" or "phlebotomist" or ...): `key` is that query's text, its or-ed
    parts in order (`group_key`). Each headline matching it has a row in the terms'
    index under the key with its score for the whole group, so the group's best
    headlines are one index range, as a word's are: the words of a group are in the
    same titles ("phlebotomy" and "phlebotomist" in 7,000 of 100,000), so each word's
    first entries say little, and ranking every headline with any of them took 21-28 ms
    at 100,000 listings. Kept from the synonyms (`refresh_headline_groups`) and, for
    each headline, by the terms' trigger (migration 0029)."""

    key = models.TextField(primary_key=True)

    def __str__(self) -> str:
        return self.key


# Every headline's words, written at once (seed_bench loads without the trigger).
FILL_HEADLINE_TERMS = """
INSERT INTO listings_headlineterm (listing_id, lexeme, impact, published_at, expires_at)
SELECT h.listing_id, u.lexeme,
       ts_rank(h.headline_vector, listings_lexeme_query(u.lexeme)) / LN((h.length + 2)),
       h.published_at, h.expires_at
  FROM listings_listingheadline h, unnest(h.headline_vector) AS u
"""
# Every headline's synonym groups (HeadlineGroup), for the groups in %s (NULL: all).
FILL_GROUP_TERMS = """
INSERT INTO listings_headlineterm (listing_id, lexeme, impact, published_at, expires_at)
SELECT h.listing_id, g.key,
       ts_rank(h.headline_vector, g.key::tsquery) / LN((h.length + 2)),
       h.published_at, h.expires_at
  FROM listings_headlinegroup g
  JOIN listings_listingheadline h ON h.headline_vector @@ g.key::tsquery
 WHERE %s::text[] IS NULL OR g.key = ANY(%s::text[])
"""
# A synonym group's first entries, as a word's.
_GROUP_ENTRIES = """
SELECT listing_id FROM listings_headlineterm
 WHERE lexeme = %s AND expires_at > %s
 ORDER BY impact DESC, published_at DESC LIMIT %s
"""
# An operand in a tsquery's text ('blood' <-> 'draw'), quotes doubled inside.
_OPERAND = r"'((?:[^'\\]|''|\\.)+)'"
# The query's text and, when it is a single node, its word's first entries.
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
# The best headlines among each word's first entries and the headlines with two of
# the words or more. "IS TRUE": the match is checked on those rows, never looked up
# in the word index (which would list every headline with any of the words).
_BEST_HEADLINES = """
WITH query AS (SELECT {query} AS q),
scored AS (
    SELECT h.listing_id, h.published_at,
           ts_rank(h.headline_vector, query.q) / LN((h.length + 2)) AS score
      FROM query, unnest(%s::text[]) AS word CROSS JOIN LATERAL (
           SELECT t.listing_id FROM listings_headlineterm t
            WHERE t.lexeme = word AND t.expires_at > %s
            ORDER BY t.impact DESC, t.published_at DESC LIMIT %s) AS first
      JOIN listings_listingheadline h ON h.listing_id = first.listing_id
     WHERE (h.headline_vector @@ query.q) IS TRUE
    UNION
    SELECT h.listing_id, h.published_at,
           ts_rank(h.headline_vector, query.q) / LN((h.length + 2))
      FROM query, listings_listingheadline h
     WHERE h.headline_vector @@ %s::tsquery AND h.expires_at > %s
       AND (h.headline_vector @@ query.q) IS TRUE
)
SELECT listing_id FROM scored ORDER BY score DESC, published_at DESC LIMIT %s
"""
# Headlines with two of the words or more, planned above this many: ranking every
# matching headline costs about as much ("clinical research"). Below four times as
# many headlines with any of the words as first entries looked up, too.
SEVERAL_MAX = 20_000


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
    """Ids of up to `limit` open listings whose headline matches `query` best: the
    list that ranking every matching headline gives, from fewer of them.

    ts_rank scores words or-ed together (a search's wanted words and their synonyms)
    as the mean of their parts over the number of words. A headline with one of the
    words scores its part of that word over that number; if it is not among the
    word's first `limit` entries in the terms' index, `limit` headlines with the
    word score as much or more, so it is not among the best. The best are therefore
    among each word's first entries and the headlines with two of the words or more,
    and only those are ranked. A word alone: its first entries are the answer (one
    index range; "research": 13 ms instead of 110 at a million listings). Several:
    those ranked (for "data analysis", 1,000 first entries and 214 headlines with
    both instead of 96,000 with either: 30 ms instead of 103). A word's synonym
    group (HeadlineGroup) counts as one word: alone, its first entries are the
    answer; with other words, its first entries and the headlines with any of its
    words and another word are ranked (`_units`). Other queries (a phrase alone, a
    negation) are ranked in full."""
    compiler = ListingHeadline.objects.using(using).query.get_compiler(using=using)
    query_sql, query_params = compiler.compile(query.resolve_expression(compiler.query))
    now = timezone.now()
    with connections[using].cursor() as cursor:
        cursor.execute(
            _FIRST_ENTRIES.format(query=query_sql),
            [*query_params, f"^{_OPERAND}$", now, limit],
        )
        rows = cursor.fetchall()
        text = rows[0][0]
        if re.fullmatch(_OPERAND, text):  # one word: its first entries are the answer
            return [listing_id for _text, listing_id in rows if listing_id is not None]
        key = group_key(text)
        if key is not None:
            cursor.execute("SELECT key FROM listings_headlinegroup")
            groups = [group for (group,) in cursor.fetchall()]
            if key in groups:  # a word's synonym group: its first entries
                cursor.execute(_GROUP_ENTRIES, [key, now, limit])
                return [listing_id for (listing_id,) in cursor.fetchall()]
        units = _units(key, groups) if key is not None else None
        if units is not None:
            # Each unit (a word, or a synonym group) and what it finds in a headline:
            # any of its words (a group's "blood" scores even without "draw").
            several = " | ".join(
                f"({' | '.join(map(_quoted, a))}) & ({' | '.join(map(_quoted, b))})"
                for a, b in itertools.combinations(units.values(), 2)
            )
            # Worth it when few headlines have two of the units, and many have one.
            with_several = _planned(cursor, "%s::tsquery", [several])
            with_any = _planned(cursor, query_sql, query_params)
            if with_several <= SEVERAL_MAX and with_any > 4 * len(units) * limit:
                cursor.execute(
                    _BEST_HEADLINES.format(query=query_sql),
                    [*query_params, sorted(units), now, limit, several, now, limit],
                )
                return [listing_id for (listing_id,) in cursor.fetchall()]
    return list(_headline_ranking(query, using).values_list("listing_id", flat=True)[:limit])


def best_headlines_among(query, listing_ids, limit: int, *, using: str = "default") -> list[int]:
    """Ids of up to `limit` of `listing_ids` (a subquery: a search with its filters)
    whose headline matches `query` best, as `best_headlines` ranks them: for a search
    whose filters (a role, a schedule, a city) leave few of the board's best headlines,
    its own best, ranked on the headlines of its matches only."""
    ranking = _headline_ranking(query, using).filter(listing_id__in=listing_ids)
    return list(ranking.values_list("listing_id", flat=True)[:limit])


def group_key(text: str) -> str | None:
    """A tsquery's text as a HeadlineGroup's key: its parts or-ed at the top, each once,
    in order ("'phleb' | 'phlebotomi' | ..."). ts_rank scores each distinct word once,
    whatever the order, and a headline matches either query alike. None with fewer
    than two parts, or a negation, weight or prefix anywhere."""
    parts, depth, quoted, start = [], 0, False, 0
    for at, char in enumerate(text):
        if char == "'":
            quoted = not quoted  # a doubled quote inside flips twice
        elif not quoted:
            if char in "!:":
                return None
            depth += (char == "(") - (char == ")")
            if char == "|" and depth == 0:
                parts.append(text[start:at].strip())
                start = at + 1
    unique = sorted({*parts, text[start:].strip()})
    return " | ".join(unique) if len(unique) > 1 else None


def refresh_headline_groups(using: str = "default") -> None:
    """Keep a HeadlineGroup, with its rows in the terms' index, for each word and
    phrase of the synonyms (as a search for it alone ranks headlines), and none for a
    synonym removed. Run when the synonyms change and after migrating
    (`synonyms_changed`, `groups_after_migrate`: listings/apps.py connects them).
    Headlines are not written meanwhile (a share lock), so none is missed."""
    pairs = list(SearchSynonym.objects.using(using).values_list("term", "equivalent"))
    queries = synonym_group_queries(pairs)
    compiler = ListingHeadline.objects.using(using).query.get_compiler(using=using)
    keys = set()
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        if queries:
            compiled = [compiler.compile(q.resolve_expression(compiler.query)) for q in queries]
            cursor.execute(
                "SELECT " + ", ".join(f"({sql})::text" for sql, _ in compiled),
                [param for _, params in compiled for param in params],
            )
            keys = {key for key in map(group_key, cursor.fetchone()) if key is not None}
        cursor.execute("LOCK TABLE listings_listingheadline IN SHARE MODE")
        cursor.execute("SELECT key FROM listings_headlinegroup")
        kept = {key for (key,) in cursor.fetchall()}
        gone, new = sorted(kept - keys), sorted(keys - kept)
        if gone:
            cursor.execute("DELETE FROM listings_headlineterm WHERE lexeme = ANY(%s)", [gone])
            cursor.execute("DELETE FROM listings_headlinegroup WHERE key = ANY(%s)", [gone])
        if new:
            cursor.execute(
                "INSERT INTO listings_headlinegroup (key) SELECT unnest(%s::text[])", [new]
            )
            cursor.execute(FILL_GROUP_TERMS, [new, new])


def _planned(cursor, query_sql: str, params) -> int:
    """The planner's estimate of the headlines matching a tsquery (no scan)."""
    cursor.execute(
        "EXPLAIN (FORMAT JSON) SELECT 1 FROM listings_listingheadline "  # noqa: S608
        f"WHERE headline_vector @@ {query_sql}",
        params,
    )
    plan = cursor.fetchone()[0]
    return (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]["Plan Rows"]


def _unquoted(operand: str) -> str:
    """A lexeme as a tsquery's text writes it (quotes doubled), as stored."""
    return operand.replace("''", "'").replace("\\\\", "\\")


def _quoted(lexeme: str) -> str:
    """A lexeme as tsquery input, matched exactly (no parsing or stemming)."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def _units(key: str, groups: list[str]) -> dict[str, list[str]] | None:
    """The units of a query or-ed at the top (the parts of its group_key `key`, among
    the kept synonym `groups`), each with the words
    it finds in a headline: each kept synonym group whose parts are all there (under
    its key: every word of its parts, as a group's "blood" scores even without
    "draw"), and each word of the other parts (words, or words and-ed or in a
    phrase: a headline that matches such a part has two of its words). None when a
    part is something else, or two units share a word (each unit's first entries
    would then not bound the others' scores)."""
    parts = set(key.split(" | "))
    units: dict[str, list[str]] = {}
    for group in sorted(groups, key=lambda group: (-len(group), group)):
        its_parts = set(group.split(" | "))
        if its_parts <= parts:
            parts -= its_parts
            units[group] = sorted({_unquoted(word) for word in re.findall(_OPERAND, group)})
    for part in parts:
        if re.sub(_OPERAND, "", part).strip(" &<->0123456789"):
            return None  # parentheses or an operator the terms' index does not know
        for word in re.findall(_OPERAND, part):
            units.setdefault(_unquoted(word), [_unquoted(word)])
    words = [word for found in units.values() for word in found]
    return units if len(units) > 1 and len(words) == len(set(words)) else None


def synonyms_changed(sender, instance, using: str, **kwargs) -> None:
    """A synonym was saved or deleted: its groups are kept anew once that commits. A
    refresh that fails then (a lock timeout, the database gone) is logged and leaves
    the save done: the groups kept are still right for their keys, a search whose
    group is missing ranks its headlines in full, and the next refresh catches up."""
    transaction.on_commit(lambda: refresh_headline_groups(using), using=using, robust=True)


def groups_after_migrate(sender, using: str, **kwargs) -> None:
    """After migrating (a data migration may add synonyms), when the table exists."""
    if HeadlineGroup._meta.db_table in connections[using].introspection.table_names():
        refresh_headline_groups(using)
