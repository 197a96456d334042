"""The certifications a listing requires are words of its search document.

A student who holds BLS searches "bls" or "cpr", and one who needs HIPAA training
searches "hipaa": the listings that require them were only found by the "certifications
I hold" filter, and the search said no listing matched. Their names are now part of
the listing's text (weight C, after its compensation), with a slash read as a space
("BLS/CPR" is the words "bls" and "cpr", not one token as PostgreSQL's parser reads a
path). Setting a listing's certifications already recomputes its document (migration
0027); renaming a certification now recomputes the listings that require it. The
backfill recomputes every listing that requires one (about 0.2 ms each)."""

from django.db import migrations

DOCUMENT = r"""
CREATE OR REPLACE FUNCTION listings_search_document(l listings_listing) RETURNS tsvector
LANGUAGE sql STABLE AS $$
    SELECT
        setweight(to_tsvector('labjobs', coalesce(l.title, '')), 'A')
        || setweight(to_tsvector('labjobs',
            coalesce((SELECT string_agg(r.name, ' ')
                        FROM listings_listing_role_types lr
                        JOIN listings_roletype r ON r.id = lr.roletype_id
                       WHERE lr.listing_id = l.id), '')
            || ' ' ||
            coalesce((SELECT lab.name || ' ' || i.name
                        FROM listings_lab lab
                        JOIN listings_institution i ON i.id = lab.institution_id
                       WHERE lab.id = l.lab_id), '')), 'B')
        || setweight(to_tsvector('labjobs',
            coalesce(l.description, '') || ' ' || coalesce(l.responsibilities, '')
            || ' ' || coalesce(array_to_string(l.skills, ' '), '')
            || ' ' || l.compensation{certifications}), 'C')
$$;
"""
CERTIFICATIONS = r"""
            || ' ' || coalesce((SELECT string_agg(translate(c.name, '/', ' '), ' ')
                                  FROM listings_listing_certifications lc
                                  JOIN listings_certification c ON c.id = lc.certification_id
                                 WHERE lc.listing_id = l.id), '')"""

RENAMED = r"""
CREATE FUNCTION listings_certification_search_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE listings_listing SET search_vector = NULL
     WHERE id IN (SELECT listing_id FROM listings_listing_certifications
                   WHERE certification_id = NEW.id);
    RETURN NULL;
END
$$;
CREATE TRIGGER listings_certification_search
    AFTER UPDATE OF name ON listings_certification
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
    EXECUTE FUNCTION listings_certification_search_trigger();
"""

# Setting search_vector runs the search trigger, which computes the document anew.
RECOMPUTE = """
UPDATE listings_listing SET search_vector = NULL
 WHERE id IN (SELECT listing_id FROM listings_listing_certifications);
"""

REVERSE_SQL = (
    "DROP TRIGGER listings_certification_search ON listings_certification;\n"
    "DROP FUNCTION listings_certification_search_trigger();\n"
    + DOCUMENT.format(certifications="")
    + RECOMPUTE
)


class Migration(migrations.Migration):
    dependencies = [("listings", "0035_repeated_phrase_pairs")]

    operations = [
        migrations.RunSQL(
            DOCUMENT.format(certifications=CERTIFICATIONS) + RENAMED + RECOMPUTE, REVERSE_SQL
        ),
    ]
