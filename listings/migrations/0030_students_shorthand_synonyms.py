"""Shorthand students type for the words listings use: "tech" for technician ("lab
tech", "histology tech", "phlebotomy tech" found nothing for "tech"), "path
assistant", "med tech", and the short names of specialties ("onc", "peds", "heme",
"histo"). Only shorthand that is not also an everyday word: "path" (a career
path) and "cards" (cardiology) would bring listings that use them otherwise. Admins
edit these in the admin."""

from django.db import migrations

from ._synonym_pairs import seed_synonyms

SYNONYMS = [
    ("tech", "technician"),
    ("path assistant", "pathology assistant"),
    ("med tech", "medical technologist"),
    ("immuno", "immunology"),
    ("biochem", "biochemistry"),
    ("onc", "oncology"),
    ("peds", "pediatrics"),
    ("derm", "dermatology"),
    ("heme", "hematology"),
    ("histo", "histology"),
]


class Migration(migrations.Migration):
    dependencies = [("listings", "0029_headline_groups")]

    operations = [seed_synonyms(SYNONYMS)]
