"""Full-text search: an accent-blind text search configuration, the trigger that keeps
each listing's weighted search vector up to date, and the synonyms students use."""

from django.db import migrations

SQL = r"""
-- English stemming, but accents never matter: "hématologie" finds "hematologie".
CREATE TEXT SEARCH CONFIGURATION labjobs (COPY = english);
ALTER TEXT SEARCH CONFIGURATION labjobs
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;

-- The document of one listing: title A; role types, lab and institution B; text and
-- compensation (paid, stipend, credit, volunteer) C.
CREATE FUNCTION listings_search_document(l listings_listing) RETURNS tsvector
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
            || ' ' || l.compensation), 'C')
$$;

CREATE FUNCTION listings_listing_search_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector := listings_search_document(NEW);
    RETURN NEW;
END
$$;
CREATE TRIGGER listings_listing_search
    BEFORE INSERT OR UPDATE OF title, description, responsibilities, skills, compensation,
        lab_id, search_vector
    ON listings_listing
    FOR EACH ROW EXECUTE FUNCTION listings_listing_search_trigger();

-- Role types are set after the listing row exists, and names of role types, labs
-- and institutions can change: each recomputes the listings it touches (setting
-- search_vector fires the trigger above).
CREATE FUNCTION listings_role_types_search_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE listings_listing SET search_vector = NULL
     WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.listing_id ELSE NEW.listing_id END;
    RETURN NULL;
END
$$;
CREATE TRIGGER listings_listing_role_types_search
    AFTER INSERT OR UPDATE OR DELETE ON listings_listing_role_types
    FOR EACH ROW EXECUTE FUNCTION listings_role_types_search_trigger();

CREATE FUNCTION listings_roletype_search_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE listings_listing SET search_vector = NULL
     WHERE id IN (SELECT listing_id FROM listings_listing_role_types
                   WHERE roletype_id = NEW.id);
    RETURN NULL;
END
$$;
CREATE TRIGGER listings_roletype_search
    AFTER UPDATE OF name ON listings_roletype
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
    EXECUTE FUNCTION listings_roletype_search_trigger();

CREATE FUNCTION listings_lab_search_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE listings_listing SET search_vector = NULL WHERE lab_id = NEW.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER listings_lab_search
    AFTER UPDATE OF name, institution_id ON listings_lab
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name
                       OR OLD.institution_id IS DISTINCT FROM NEW.institution_id)
    EXECUTE FUNCTION listings_lab_search_trigger();

CREATE FUNCTION listings_institution_search_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE listings_listing SET search_vector = NULL
     WHERE lab_id IN (SELECT id FROM listings_lab WHERE institution_id = NEW.id);
    RETURN NULL;
END
$$;
CREATE TRIGGER listings_institution_search
    AFTER UPDATE OF name ON listings_institution
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
    EXECUTE FUNCTION listings_institution_search_trigger();

UPDATE listings_listing SET search_vector = NULL;
"""

REVERSE_SQL = """
DROP TRIGGER IF EXISTS listings_institution_search ON listings_institution;
DROP TRIGGER IF EXISTS listings_lab_search ON listings_lab;
DROP TRIGGER IF EXISTS listings_roletype_search ON listings_roletype;
DROP TRIGGER IF EXISTS listings_listing_role_types_search ON listings_listing_role_types;
DROP TRIGGER IF EXISTS listings_listing_search ON listings_listing;
DROP FUNCTION IF EXISTS listings_institution_search_trigger();
DROP FUNCTION IF EXISTS listings_lab_search_trigger();
DROP FUNCTION IF EXISTS listings_roletype_search_trigger();
DROP FUNCTION IF EXISTS listings_role_types_search_trigger();
DROP FUNCTION IF EXISTS listings_listing_search_trigger();
DROP FUNCTION IF EXISTS listings_search_document(listings_listing);
DROP TEXT SEARCH CONFIGURATION IF EXISTS labjobs;
"""

# Words students type, and how listings say them. Admins edit these in the admin.
SYNONYMS = [
    ("phlebotomy", "phlebotomist"),
    ("blood draw", "phlebotomy"),
    ("blood draws", "phlebotomy"),
    ("venipuncture", "phlebotomy"),
    ("phleb", "phlebotomy"),
    ("RA", "research assistant"),
    ("URA", "undergraduate research assistant"),
    ("CRC", "clinical research coordinator"),
    ("CRA", "clinical research assistant"),
    ("BLS", "basic life support"),
    ("CPR", "BLS"),
    ("PI", "principal investigator"),
    ("histotech", "histology technician"),
    ("histotech", "histology"),
    ("HT", "histology technician"),
    ("PathA", "pathology assistant"),
    ("pathologists assistant", "pathology assistant"),
    ("grossing", "pathology assistant"),
    ("lab tech", "lab technician"),
    ("lab tech", "laboratory technician"),
    ("laboratory technician", "lab technician"),
    ("MLT", "medical laboratory technician"),
    ("MLS", "medical laboratory scientist"),
    ("data analyst", "data analysis"),
    ("biostatistics", "statistics"),
    ("EHR", "electronic health records"),
    ("IRB", "institutional review board"),
    ("GCP", "good clinical practice"),
    ("PCR", "polymerase chain reaction"),
    ("ctDNA", "circulating tumour DNA"),
    ("tumor", "tumour"),
    ("specimen", "sample"),
    ("volunteer", "unpaid"),
]


def seed_synonyms(apps, schema_editor):
    SearchSynonym = apps.get_model("listings", "SearchSynonym")
    for term, equivalent in SYNONYMS:
        SearchSynonym.objects.get_or_create(term=term, equivalent=equivalent)


class Migration(migrations.Migration):
    dependencies = [("listings", "0006_search_vector_and_synonyms")]

    operations = [
        migrations.RunSQL(SQL, REVERSE_SQL),
        migrations.RunPython(seed_synonyms, migrations.RunPython.noop),
    ]
