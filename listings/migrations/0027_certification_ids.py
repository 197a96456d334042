"""Each listing keeps the ids of the certifications it requires, as it keeps its role
types' (migration 0009): the search filter "needs nothing more than what I hold" is
then a check of the listing's row (`facet_certification_ids <@ held`) instead of a
look-up in the certifications table for every listing it considers, which cost 20-30
ms a sample of 8,000 listings at 100,000 and more than the rest of the search at a
million. The search trigger fills the column in, and the covering indexes of
searches without words hold it; setting or removing a listing's
certifications recomputes it, as role types do."""

import django.contrib.postgres.fields
from django.db import migrations, models

# The search trigger of migration 0024, which now also keeps the certification ids.
CERTS_LINE = """    NEW.facet_certification_ids := ARRAY(
        SELECT certification_id FROM listings_listing_certifications
         WHERE listing_id = NEW.id ORDER BY certification_id);
"""
TRIGGER = r"""CREATE OR REPLACE FUNCTION listings_listing_search_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector := listings_search_document(NEW);
    NEW.phrase_pairs := listings_word_pairs(NEW.search_vector);
    NEW.facet_role_type_ids := ARRAY(
        SELECT roletype_id FROM listings_listing_role_types
         WHERE listing_id = NEW.id ORDER BY roletype_id);
    NEW.facet_certification_ids := ARRAY(
        SELECT certification_id FROM listings_listing_certifications
         WHERE listing_id = NEW.id ORDER BY certification_id);
    NEW.facet_institution_id := (SELECT institution_id FROM listings_lab WHERE id = NEW.lab_id);
    RETURN NEW;
END
$$;
"""

# Certifications are set after the listing row exists: each change recomputes the
# listing, with the function role types use (it reads only listing_id). The backfill
# leaves out the headline trigger, whose rows do not depend on certifications.
CERTIFICATIONS = """
CREATE TRIGGER listings_listing_certifications_search
    AFTER INSERT OR UPDATE OR DELETE ON listings_listing_certifications
    FOR EACH ROW EXECUTE FUNCTION listings_role_types_search_trigger();

ALTER TABLE listings_listing DISABLE TRIGGER listings_listing_headline;
UPDATE listings_listing l SET facet_certification_ids = c.ids
  FROM (SELECT listing_id, array_agg(certification_id ORDER BY certification_id) AS ids
          FROM listings_listing_certifications GROUP BY listing_id) AS c
 WHERE l.id = c.listing_id;
ALTER TABLE listings_listing ENABLE TRIGGER listings_listing_headline;
"""

REVERSE_SQL = (
    "DROP TRIGGER IF EXISTS listings_listing_certifications_search"
    " ON listings_listing_certifications;\n" + TRIGGER.replace(CERTS_LINE, "")
)


class Migration(migrations.Migration):
    dependencies = [("listings", "0026_headline_terms")]

    operations = [
        migrations.AddField(
            model_name="listing",
            name="facet_certification_ids",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.BigIntegerField(), default=list, editable=False, size=None
            ),
        ),
        migrations.RunSQL(TRIGGER + CERTIFICATIONS, REVERSE_SQL),
        # The covering indexes of word-less searches and samples take the new column
        # (and the sample's takes the other filters' columns): their counts read the
        # index alone.
        migrations.RemoveIndex(
            model_name="listing",
            name="listing_published_facets",
        ),
        migrations.RemoveIndex(
            model_name="listing",
            name="listing_sample",
        ),
        migrations.AddIndex(
            model_name="listing",
            index=models.Index(
                condition=models.Q(("status", "published")),
                fields=["expires_at"],
                include=(
                    "facet_role_type_ids",
                    "compensation",
                    "schedules",
                    "work_mode",
                    "levels",
                    "facet_institution_id",
                    "hours_min",
                    "deadline",
                    "published_at",
                    "lab",
                    "facet_certification_ids",
                ),
                name="listing_published_facets",
            ),
        ),
        migrations.AddIndex(
            model_name="listing",
            index=models.Index(
                fields=["sample_bucket"],
                include=(
                    "status",
                    "expires_at",
                    "facet_role_type_ids",
                    "compensation",
                    "schedules",
                    "work_mode",
                    "levels",
                    "facet_institution_id",
                    "hours_min",
                    "deadline",
                    "published_at",
                    "lab",
                    "facet_certification_ids",
                ),
                name="listing_sample",
            ),
        ),
    ]
