"""Each word of a listing's headline with its part of the headline's score, so that a
word's best headlines are the first entries of an index (models/headline.py), kept
from the headline table by a trigger."""

from django.db import migrations, models

TRIGGER_SQL = r"""
-- A tsquery of one lexeme exactly as stored (no parsing, stemming or stopwords).
CREATE FUNCTION listings_lexeme_query(lexeme text) RETURNS tsquery
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT (chr(39) || replace(replace(lexeme, chr(92), chr(92) || chr(92)),
                               chr(39), chr(39) || chr(39)) || chr(39))::tsquery
$$;

-- Each word of a headline with its part of the headline's score (models/headline.py).
CREATE FUNCTION listings_headline_terms_trigger() RETURNS trigger
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
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER listings_headline_terms
    AFTER INSERT OR UPDATE OR DELETE ON listings_listingheadline
    FOR EACH ROW EXECUTE FUNCTION listings_headline_terms_trigger();

INSERT INTO listings_headlineterm (listing_id, lexeme, impact, published_at, expires_at)
SELECT h.listing_id, u.lexeme,
       ts_rank(h.headline_vector, listings_lexeme_query(u.lexeme)) / LN((h.length + 2)),
       h.published_at, h.expires_at
  FROM listings_listingheadline h, unnest(h.headline_vector) AS u;
"""

REVERSE_SQL = """
DROP TRIGGER IF EXISTS listings_headline_terms ON listings_listingheadline;
DROP FUNCTION IF EXISTS listings_headline_terms_trigger();
DROP FUNCTION IF EXISTS listings_lexeme_query(text);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("listings", "0025_sample_bucket"),
    ]

    operations = [
        migrations.CreateModel(
            name="HeadlineTerm",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "listing_id",
                        "lexeme",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("listing_id", models.BigIntegerField()),
                ("lexeme", models.TextField()),
                ("impact", models.FloatField()),
                ("published_at", models.DateTimeField(null=True)),
                ("expires_at", models.DateTimeField(null=True)),
            ],
            options={
                "indexes": [
                    models.Index(
                        models.F("lexeme"),
                        models.OrderBy(models.F("impact"), descending=True),
                        models.OrderBy(models.F("published_at"), descending=True),
                        name="headline_term_best",
                    )
                ],
            },
        ),
        migrations.RunSQL(TRIGGER_SQL, REVERSE_SQL),
    ]
