"""The vocabulary of open listings, for "did you mean" suggestions by trigram similarity.

A materialized view: refreshed by `manage.py refresh_search_words` (cron, and after
seed_demo), so that a typo costs one indexed lookup, not a scan of all listings."""

from django.db import migrations

SQL = r"""
CREATE MATERIALIZED VIEW listings_search_word AS
SELECT word, count(*) AS listings
  FROM (
    SELECT DISTINCT l.id, w AS word
      FROM listings_listing l,
           regexp_split_to_table(
               lower(unaccent(l.title || ' ' || l.description || ' ' || l.responsibilities
                              || ' ' || coalesce(array_to_string(l.skills, ' '), ''))),
               '[^a-z]+') AS w
     WHERE l.status = 'published' AND length(w) BETWEEN 3 AND 40
    UNION ALL  -- names of role types, labs and institutions count once each
    SELECT DISTINCT NULL::bigint, w
      FROM (SELECT name FROM listings_roletype
            UNION ALL SELECT name FROM listings_lab
            UNION ALL SELECT name FROM listings_institution) AS names,
           regexp_split_to_table(lower(unaccent(names.name)), '[^a-z]+') AS w
     WHERE length(w) BETWEEN 3 AND 40
  ) AS words
 GROUP BY word;
CREATE UNIQUE INDEX listings_search_word_word ON listings_search_word (word);
CREATE INDEX listings_search_word_trgm ON listings_search_word USING gin (word gin_trgm_ops);
"""


class Migration(migrations.Migration):
    dependencies = [("listings", "0007_search_triggers_and_synonyms")]

    operations = [
        migrations.RunSQL(SQL, "DROP MATERIALIZED VIEW IF EXISTS listings_search_word;"),
    ]
