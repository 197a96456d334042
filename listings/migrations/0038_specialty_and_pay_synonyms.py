"""More of the words students type for the words listings use: a specialty by its
other name ("cardiology" found nothing where listings say "cardiac"; "cancer" and
"oncology" found different listings), IHC, "med" ("med student" found the listings
that say "student"), and "hourly" for paid work (no listing says "hourly": the pay
rate is a number). Each is a word of its own in lab use too, so a search for either
finds both. Admins edit these in the admin."""

from django.db import migrations

from ._synonym_pairs import seed_synonyms

SYNONYMS = [
    ("cardiology", "cardiac"),
    ("cancer", "oncology"),
    ("IHC", "immunohistochemistry"),
    ("neuro", "neurology"),
    ("ortho", "orthopedics"),
    ("obgyn", "obstetrics"),
    ("ob gyn", "obstetrics"),
    ("hourly", "paid"),
    ("med", "medical"),
]


class Migration(migrations.Migration):
    dependencies = [("listings", "0037_published_words_index")]

    operations = [seed_synonyms(SYNONYMS)]
