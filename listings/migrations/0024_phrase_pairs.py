"""Phrases found by their word pairs.

PostgreSQL's full-text index knows which listings have a word, not where: a phrase
("sample preparation") is checked against the positions of every listing that has
all its words, half the board for common words. Each listing now keeps the pairs of
adjacent words of its search vector, hashed to integers (about 90 a listing), in a
GIN index: a phrase's pairs find its listings directly, and the exact phrase check
runs on those only. A hash shared by two pairs can only let a listing through to
that check, never keep a match out.

`hashtext` is PostgreSQL's own text hash; should a major upgrade ever change it,
`UPDATE listings_listing SET search_vector = NULL` recomputes every listing."""

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
from django.db import migrations, models

# The search trigger of migration 0009, which now also keeps the pairs.
PAIRS_LINE = "    NEW.phrase_pairs := listings_word_pairs(NEW.search_vector);\n"
TRIGGER = r"""CREATE OR REPLACE FUNCTION listings_listing_search_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector := listings_search_document(NEW);
    NEW.phrase_pairs := listings_word_pairs(NEW.search_vector);
    NEW.facet_role_type_ids := ARRAY(
        SELECT roletype_id FROM listings_listing_role_types
         WHERE listing_id = NEW.id ORDER BY roletype_id);
    NEW.facet_institution_id := (SELECT institution_id FROM listings_lab WHERE id = NEW.lab_id);
    RETURN NEW;
END
$$;
"""

FUNCTIONS = r"""
-- Every pair of adjacent words (positions p and p + 1) of a search vector, hashed.
CREATE FUNCTION listings_word_pairs(v tsvector) RETURNS integer[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT hashtext(a.lexeme || ' ' || b.lexeme)), '{}')
      FROM (SELECT lexeme, unnest(positions) AS pos FROM unnest(v)) AS a
      JOIN (SELECT lexeme, unnest(positions) AS pos FROM unnest(v)) AS b
        ON b.pos = a.pos + 1
$$;

-- The pairs a phrase's listings must have, as the same configuration reads it; NULL
-- when it has none (one word, or words apart: "sample of preparation").
CREATE FUNCTION listings_phrase_pairs(config text, phrase text) RETURNS integer[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT array_agg(DISTINCT hashtext(a.lexeme || ' ' || b.lexeme))
      FROM (SELECT lexeme, unnest(positions) AS pos
              FROM unnest(to_tsvector(config::regconfig, phrase))) AS a
      JOIN (SELECT lexeme, unnest(positions) AS pos
              FROM unnest(to_tsvector(config::regconfig, phrase))) AS b
        ON b.pos = a.pos + 1
$$;
"""

BACKFILL = """
UPDATE listings_listing SET phrase_pairs = listings_word_pairs(search_vector)
 WHERE search_vector IS NOT NULL;
"""

REVERSE_SQL = TRIGGER.replace(PAIRS_LINE, "") + r"""
DROP FUNCTION listings_phrase_pairs(text, text);
DROP FUNCTION listings_word_pairs(tsvector);
"""


class Migration(migrations.Migration):
    dependencies = [("listings", "0023_lab_follows")]

    operations = [
        migrations.AddField(
            model_name="listing",
            name="phrase_pairs",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.IntegerField(), blank=True, editable=False, null=True, size=None
            ),
        ),
        migrations.RunSQL(FUNCTIONS + TRIGGER + BACKFILL, REVERSE_SQL),
        migrations.AddIndex(
            model_name="listing",
            index=django.contrib.postgres.indexes.GinIndex(
                condition=models.Q(("status", "published")),
                fields=["phrase_pairs"],
                name="listing_phrase_pairs",
            ),
        ),
    ]
