"""Phrases found by how often a listing repeats them.

A phrase's best matches, by ts_rank, are the listings with it in their title and
those that repeat it in a short description: at a million listings, five of
"informed consent"'s exhaustive top 10 have it three times in a description of 40-60
words, among 68,000 listings that have it once or more. The titles are found by the
headlines' index; the repeats were not, short of ranking all 68,000 (130 ms).

Each listing's word pairs (migration 0024) now also hold, for a pair of adjacent
words found at least twice, three times or four times, the hash of the pair marked
with that number ("3 inform consent"): the listings that repeat a phrase three times
are then found in the same index as its listings are (1,165 of them for "informed
consent" at a million). About 7 more integers a listing (95 instead of 88). The
backfill rewrites every listing's pairs (about 70 s a million listings); listings can
be read meanwhile."""

from django.db import migrations

WORD_PAIRS_BEFORE = r"""
CREATE OR REPLACE FUNCTION listings_word_pairs(v tsvector) RETURNS integer[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT hashtext(a.lexeme || ' ' || b.lexeme)), '{}')
      FROM (SELECT lexeme, unnest(positions) AS pos FROM unnest(v)) AS a
      JOIN (SELECT lexeme, unnest(positions) AS pos FROM unnest(v)) AS b
        ON b.pos = a.pos + 1
$$;
"""

FUNCTIONS = r"""
-- Every pair of adjacent words (positions p and p + 1) of a search vector, hashed; and
-- a pair found at least 2, 3 or 4 times, hashed with each of those numbers before it.
CREATE OR REPLACE FUNCTION listings_word_pairs(v tsvector) RETURNS integer[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    WITH pairs AS (
        SELECT a.lexeme || ' ' || b.lexeme AS pair, count(*) AS times
          FROM (SELECT lexeme, unnest(positions) AS pos FROM unnest(v)) AS a
          JOIN (SELECT lexeme, unnest(positions) AS pos FROM unnest(v)) AS b
            ON b.pos = a.pos + 1
         GROUP BY 1)
    SELECT coalesce(array_agg(DISTINCT hash), '{}') FROM (
        SELECT hashtext(pair) AS hash FROM pairs
        UNION ALL
        SELECT hashtext(times_at_least || ' ' || pair)
          FROM pairs, generate_series(2, least(times, 4)::integer) AS times_at_least
    ) AS hashes
$$;

-- The pairs of a listing that has each of the phrase's pairs of adjacent words at
-- least `times` times (2 to 4), as the same configuration reads it; NULL when the
-- phrase has no pairs.
CREATE FUNCTION listings_phrase_pairs_repeated(config text, phrase text, times integer)
RETURNS integer[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT array_agg(DISTINCT hashtext(times || ' ' || a.lexeme || ' ' || b.lexeme))
      FROM (SELECT lexeme, unnest(positions) AS pos
              FROM unnest(to_tsvector(config::regconfig, phrase))) AS a
      JOIN (SELECT lexeme, unnest(positions) AS pos
              FROM unnest(to_tsvector(config::regconfig, phrase))) AS b
        ON b.pos = a.pos + 1
$$;
"""

# Only the pairs change: the search trigger (UPDATE OF the document's columns) does
# not run, and the headlines, which do not depend on them, are left alone.
BACKFILL = """
ALTER TABLE listings_listing DISABLE TRIGGER listings_listing_headline;
UPDATE listings_listing SET phrase_pairs = listings_word_pairs(search_vector)
 WHERE search_vector IS NOT NULL;
ALTER TABLE listings_listing ENABLE TRIGGER listings_listing_headline;
"""


class Migration(migrations.Migration):
    dependencies = [("listings", "0034_words_mode_index")]

    operations = [
        migrations.RunSQL(
            FUNCTIONS + BACKFILL,
            WORD_PAIRS_BEFORE
            + "DROP FUNCTION listings_phrase_pairs_repeated(text, text, integer);\n"
            + BACKFILL,
        ),
    ]
