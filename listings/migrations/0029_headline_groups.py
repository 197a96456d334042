"""Each synonym group's best headlines (models/headline.py, HeadlineGroup): the
headline terms' trigger also writes a headline's row for each group it matches. The
groups themselves are kept from the synonyms after migrating and when they change."""

from django.db import migrations, models

TRIGGER_SQL = r"""
CREATE OR REPLACE FUNCTION listings_headline_terms_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND (NEW.headline_vector, NEW.length, NEW.published_at, NEW.expires_at)
       IS NOT DISTINCT FROM (OLD.headline_vector, OLD.length, OLD.published_at, OLD.expires_at)
    THEN
        RETURN NULL;  -- the listing changed, not its headline
    END IF;
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM listings_headlineterm WHERE listing_id = OLD.listing_id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO listings_headlineterm (listing_id, lexeme, impact, published_at, expires_at)
        SELECT NEW.listing_id, u.lexeme,
               ts_rank(NEW.headline_vector, listings_lexeme_query(u.lexeme))
                   / LN((NEW.length + 2)),
               NEW.published_at, NEW.expires_at
          FROM unnest(NEW.headline_vector) AS u;
        -- and its score for each synonym group it matches, under the group's key
        INSERT INTO listings_headlineterm (listing_id, lexeme, impact, published_at, expires_at)
        SELECT NEW.listing_id, g.key,
               ts_rank(NEW.headline_vector, g.key::tsquery) / LN((NEW.length + 2)),
               NEW.published_at, NEW.expires_at
          FROM listings_headlinegroup g
         WHERE NEW.headline_vector @@ g.key::tsquery;
    END IF;
    RETURN NULL;
END
$$;
"""

# As migration 0026 wrote it.
REVERSE_SQL = r"""
DELETE FROM listings_headlineterm WHERE lexeme IN (SELECT key FROM listings_headlinegroup);
CREATE OR REPLACE FUNCTION listings_headline_terms_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND (NEW.headline_vector, NEW.length, NEW.published_at, NEW.expires_at)
       IS NOT DISTINCT FROM (OLD.headline_vector, OLD.length, OLD.published_at, OLD.expires_at)
    THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM listings_headlineterm WHERE listing_id = OLD.listing_id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO listings_headlineterm (listing_id, lexeme, impact, published_at, expires_at)
        SELECT NEW.listing_id, u.lexeme,
               ts_rank(NEW.headline_vector, listings_lexeme_query(u.lexeme))
                   / LN((NEW.length + 2)),
               NEW.published_at, NEW.expires_at
          FROM unnest(NEW.headline_vector) AS u;
    END IF;
    RETURN NULL;
END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("listings", "0028_more_student_synonyms"),
    ]

    operations = [
        migrations.CreateModel(
            name="HeadlineGroup",
            fields=[
                ("key", models.TextField(primary_key=True, serialize=False)),
            ],
        ),
        migrations.RunSQL(TRIGGER_SQL, REVERSE_SQL),
    ]
