"""The narrow headline table that broad searches rank on (models/headline.py), and the
trigger that keeps a row in it for every published listing."""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models


TRIGGER_SQL = r"""
-- The headline of a listing: title A and role type names B, as in its full vector.
CREATE FUNCTION listings_headline_document(l listings_listing) RETURNS tsvector
LANGUAGE sql STABLE AS $$
    SELECT setweight(to_tsvector('labjobs', coalesce(l.title, '')), 'A')
        || setweight(to_tsvector('labjobs', coalesce(
            (SELECT string_agg(r.name, ' ' ORDER BY r.id) FROM listings_roletype r
              WHERE r.id = ANY(l.facet_role_type_ids)), '')), 'B')
$$;

-- How many words the full document has (ts_rank's length normalisation counts them).
CREATE FUNCTION listings_document_length(v tsvector) RETURNS integer
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(sum(coalesce(array_length(u.positions, 1), 1)), 0)::integer
      FROM unnest(v) AS u
$$;

CREATE FUNCTION listings_listing_headline_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'DELETE' AND NEW.status = 'published' THEN
        INSERT INTO listings_listingheadline
               (listing_id, headline_vector, length, published_at, expires_at)
        VALUES (NEW.id, listings_headline_document(NEW),
                listings_document_length(NEW.search_vector), NEW.published_at, NEW.expires_at)
        ON CONFLICT (listing_id) DO UPDATE
           SET headline_vector = EXCLUDED.headline_vector, length = EXCLUDED.length,
               published_at = EXCLUDED.published_at, expires_at = EXCLUDED.expires_at;
    ELSE
        DELETE FROM listings_listingheadline
         WHERE listing_id = CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END;
    END IF;
    RETURN NULL;
END
$$;
-- After the search trigger has set the vector and the role type ids.
CREATE TRIGGER listings_listing_headline
    AFTER INSERT OR UPDATE OR DELETE ON listings_listing
    FOR EACH ROW EXECUTE FUNCTION listings_listing_headline_trigger();

INSERT INTO listings_listingheadline (listing_id, headline_vector, length, published_at, expires_at)
SELECT l.id, listings_headline_document(l), listings_document_length(l.search_vector),
       l.published_at, l.expires_at
  FROM listings_listing l
 WHERE l.status = 'published';
"""

REVERSE_SQL = """
DROP TRIGGER IF EXISTS listings_listing_headline ON listings_listing;
DROP FUNCTION IF EXISTS listings_listing_headline_trigger();
DROP FUNCTION IF EXISTS listings_document_length(tsvector);
DROP FUNCTION IF EXISTS listings_headline_document(listings_listing);
"""


class Migration(migrations.Migration):

    dependencies = [
        ('listings', '0016_search_words_from_public_listings'),
    ]

    operations = [
        migrations.CreateModel(
            name='ListingHeadline',
            fields=[
                ('listing', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='+', serialize=False, to='listings.listing')),
                ('headline_vector', django.contrib.postgres.search.SearchVectorField()),
                ('length', models.IntegerField()),
                ('published_at', models.DateTimeField(null=True)),
                ('expires_at', models.DateTimeField(null=True)),
            ],
            options={
                'indexes': [django.contrib.postgres.indexes.GinIndex(fields=['headline_vector'], name='listing_headline_vector')],
            },
        ),
        migrations.RunSQL(TRIGGER_SQL, REVERSE_SQL),
    ]
