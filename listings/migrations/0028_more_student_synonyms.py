"""Words students type that the English stemmer does not join to the listings' words:
"mice" (not stemmed to "mouse") and "undergrad". Admins edit these in the admin."""

from django.db import migrations

from ._synonym_pairs import seed_synonyms

SYNONYMS = [
    ("mice", "mouse"),
    ("undergrad", "undergraduate"),
]


class Migration(migrations.Migration):
    dependencies = [("listings", "0027_certification_ids")]

    operations = [seed_synonyms(SYNONYMS)]
