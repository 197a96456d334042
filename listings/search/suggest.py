""" "Did you mean": each unknown word swapped for the closest word that open listings
use (pg_trgm over the `listings_search_word` vocabulary, migration 0008), offered only
if it finds something; and, when no listing has every word, the words that some do."""

from __future__ import annotations

import re
from typing import NamedTuple

from django.core.exceptions import EmptyResultSet
from django.db import connection, connections
from django.db.models import QuerySet

from .facets import apply_filters
from .query import SEARCH_CONFIG, _quoted_mask, fold, synonym_phrases, without_ends

_WORD = re.compile(r"(?<![\w-])[^\W\d_]{3,40}(?!\w)")
# The trigram similarity from which the closest known word is taken for what the
# student meant: typos score 0.50 and up ("flebotomy" 0.50, "specmen" 0.55), while
# a real word's neighbours score less ("stroke" -> "strong" 0.40, "flu" -> "fluid"
# 0.43, "lung" -> "lunch" 0.38). Below it, a word is taken only as a typo of one
# letter (or two letters swapped) in a word of up to nine ("pyton" 0.44, "clinc"
# 0.44), one more for each five letters, with the same first letter ("liver" is
# not "river").
SIMILAR = 0.45


def suggest(text: str) -> str:
    """`text` with each word that no open listing uses replaced by the most similar
    word that one does ("flebotomy" -> "phlebotomy"); "" when nothing changes."""
    words = [m for m in _WORD.finditer(text) if m.group().lower() != "or"]
    if not words:
        return ""
    with connection.cursor() as cursor:  # one query for all the words
        cursor.execute(
            "SELECT (SELECT word FROM listings_search_word WHERE word = lower(unaccent(w)))"
            " IS NOT NULL, c.word, c.similarity"
            " FROM unnest(%s::text[]) WITH ORDINALITY AS t(w, n) LEFT JOIN LATERAL"
            " (SELECT word, similarity(word, lower(unaccent(w))) AS similarity"
            "  FROM listings_search_word WHERE word %% lower(unaccent(w))"
            "  ORDER BY word <-> lower(unaccent(w)), listings DESC LIMIT 1) AS c ON TRUE"
            " ORDER BY n",
            [[m.group() for m in words]],
        )
        rows = cursor.fetchall()
    pieces, cursor_at, changed = [], 0, False
    for match, (known, closest, similarity) in zip(words, rows, strict=True):
        pieces.append(text[cursor_at : match.start()])
        if not known and closest and _meant(fold(match.group()), closest, similarity):
            pieces.append(closest)
            changed = True
        else:
            pieces.append(match.group())
        cursor_at = match.end()
    pieces.append(text[cursor_at:])
    return "".join(pieces) if changed else ""


def _meant(typed: str, word: str, similarity: float) -> bool:
    """Whether the known `word` closest to `typed` is what the student meant (SIMILAR)."""
    if similarity >= SIMILAR:
        return True
    return typed[:1] == word[:1] and _edits(typed, word) <= max(1, len(typed) // 5)


def _edits(one: str, other: str) -> int:
    """How many letters to insert, delete or replace, or pairs of neighbours to swap,
    to make `one` into `other` (the optimal string alignment distance)."""
    before, row = None, list(range(len(other) + 1))
    for i, letter in enumerate(one, 1):
        current = [i]
        for j, other_letter in enumerate(other, 1):
            cost = letter != other_letter
            best = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + cost)
            swapped = j > 1 and letter == other[j - 2] and one[i - 2] == other_letter
            if before is not None and swapped and cost:  # "ab" -> "ba"
                best = min(best, before[j - 2] + 1)
            current.append(best)
        before, row = row, current
    return row[-1]


def refresh_search_words() -> None:
    """Rebuild the vocabulary that suggestions come from (after bulk changes, by cron)."""
    with connection.cursor() as cursor:
        if connection.in_atomic_block:
            cursor.execute("REFRESH MATERIALIZED VIEW listings_search_word")
        else:  # readers are not blocked while it rebuilds
            cursor.execute("REFRESH MATERIALIZED VIEW CONCURRENTLY listings_search_word")


_PLAIN_WORD = re.compile(r'(?<![\w"-])\w[\w-]*')  # numbers too: "summer 2027"
MAX_WORDS_CHECKED = 6


def words_found(base: QuerySet, text: str, *, alone: bool = False) -> tuple[str, list[str]]:
    """When no listing matches every word: `text` without the plain words that no
    open listing mentions, and those words (one statement, at most six words).
    Quoted phrases, negated words and "or" are left as they are. Unless `alone` (the
    search has filters taken from its words: ("", the words) when none is
    mentioned), some word must be mentioned, and there must be two."""
    in_quotes = _quoted_mask(text)
    # A synonym of several words ("lab tech" = "lab technician") is one word here:
    # its own words may find nothing alone ("tech").
    phrases = [_Word(start, end, text[start:end]) for start, end in synonym_phrases(text)]
    words = [
        _Word(m.start(), m.end(), m.group())
        for m in _PLAIN_WORD.finditer(text)
        if not in_quotes[m.start()] and not any(p.start <= m.start() < p.end for p in phrases)
    ]
    words = sorted([w for w in words if w.text.lower() != "or"] + phrases)[:MAX_WORDS_CHECKED]
    if len(words) < (1 if alone else 2):
        return "", []
    # Words the database leaves out ("in", "the") are never unknown: they find nothing
    # on their own, but no search needs them.
    ignored, found = _checked(base, [w.text for w in words])
    unknown = [w for w in words if w.text not in ignored and w.text not in found]
    if not unknown or (len(unknown) == len(words) and not alone):
        return "", []
    kept = text
    for word in reversed(unknown):
        kept = kept[: word.start] + kept[word.end :]
    # "blood and urine": the results for "blood", not "blood and"
    kept = without_ends(kept.split(), ignored.__contains__)
    return " ".join(kept), [w.text for w in unknown]


class _Word(NamedTuple):
    start: int
    end: int
    text: str


def _checked(base: QuerySet, words: list[str]) -> tuple[set[str], set[str]]:
    """Those of `words` that the search configuration drops, and those that a listing
    of `base` mentions, in one statement: a query for the dropped words and one for
    each word took 4 round trips for "zebrafish husbandry qwzx" (4.5 ms of statements
    against 1.4 ms for this one)."""
    columns, params = [], []
    for word in words:
        columns.append("numnode(plainto_tsquery(%s::regconfig, %s)) = 0")
        params += [SEARCH_CONFIG, word]
        mentions = base.search(word).order_by().values("id")[:1]
        try:
            sql, mentions_params = mentions.query.get_compiler(using=base.db).as_sql()
        except EmptyResultSet:  # a condition nothing meets
            columns.append("FALSE")
            continue
        columns.append(f"EXISTS ({sql})")
        params += mentions_params
    with connections[base.db].cursor() as cursor:
        # The ORM's own statements, each value a bound parameter
        cursor.execute(f"SELECT {', '.join(columns)}", params)
        row = cursor.fetchone()
    ignored = {word for word, dropped in zip(words, row[0::2], strict=True) if dropped}
    return ignored, {word for word, mentioned in zip(words, row[1::2], strict=True) if mentioned}


def useful_suggestion(listing_filter, base: QuerySet, text: str) -> str:
    """ "Did you mean" only offers a rewrite that finds something with the same filters
    (one query, and only when a search with words found nothing)."""
    suggestion = suggest(text)
    if not suggestion:
        return ""
    others = apply_filters(listing_filter, base, skip=("q",))
    return suggestion if others.search(suggestion).exists() else ""
