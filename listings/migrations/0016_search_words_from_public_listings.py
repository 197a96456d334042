""""Did you mean" learns only from what search can return: the words of public listings
(published and not past expiry when the view is refreshed), with their labs',
institutions' and role types' names; never an unapproved lab's name or an expired,
draft or pending listing's words."""

from django.db import migrations

SQL = r"""
DROP MATERIALIZED VIEW IF EXISTS listings_search_word;
CREATE MATERIALIZED VIEW listings_search_word AS
WITH public_listing AS (
    SELECT l.id,
           l.title || ' ' || l.description || ' ' || l.responsibilities || ' '
           || coalesce(array_to_string(l.skills, ' '), '') || ' ' || lab.name || ' '
           || i.name || ' '
           || coalesce((SELECT string_agg(r.name, ' ')
                          FROM listings_listing_role_types lr
                          JOIN listings_roletype r ON r.id = lr.roletype_id
                         WHERE lr.listing_id = l.id), '') AS text
      FROM listings_listing l
      JOIN listings_lab lab ON lab.id = l.lab_id
      JOIN listings_institution i ON i.id = lab.institution_id
     WHERE l.status = 'published' AND l.expires_at > now() AND lab.approved
)
SELECT word, count(*) AS listings
  FROM (
    SELECT DISTINCT p.id, w AS word
      FROM public_listing p,
           regexp_split_to_table(lower(unaccent(p.text)), '[^a-z]+') AS w
     WHERE length(w) BETWEEN 3 AND 40
  ) AS words
 GROUP BY word;
CREATE UNIQUE INDEX listings_search_word_word ON listings_search_word (word);
CREATE INDEX listings_search_word_trgm ON listings_search_word USING gin (word gin_trgm_ops);
"""


class Migration(migrations.Migration):
    dependencies = [("listings", "0015_strip_snippet_markers")]

    operations = [migrations.RunSQL(SQL, migrations.RunSQL.noop)]
