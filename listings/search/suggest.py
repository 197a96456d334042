""" "Did you mean": each unknown word swapped for the closest word that open listings
use (pg_trgm over the `listings_search_word` vocabulary, migration 0008)."""

from __future__ import annotations

import re

from django.db import connection

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
