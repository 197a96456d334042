"""Words students type that the English stemmer does not join to the listings' words:
"mice" (not stemmed to "mouse") and "undergrad". Admins edit these in the admin."""

from django.db import migrations

SYNONYMS = [
    ("mice", "mouse"),
    ("undergrad", "undergraduate"),
]


def add_synonyms(apps, schema_editor):
    SearchSynonym = apps.get_model("listings", "SearchSynonym")
    for term, equivalent in SYNONYMS:
        SearchSynonym.objects.get_or_create(term=term, equivalent=equivalent)


def remove_synonyms(apps, schema_editor):
    SearchSynonym = apps.get_model("listings", "SearchSynonym")
    for term, equivalent in SYNONYMS:
        SearchSynonym.objects.filter(term=term, equivalent=equivalent).delete()


class Migration(migrations.Migration):
    dependencies = [("listings", "0027_certification_ids")]

    operations = [migrations.RunPython(add_synonyms, remove_synonyms)]
