"""The data migrations that seed search synonyms share this: one RunPython that adds
(term, equivalent) pairs, and removes them when the migration is reversed. (A name
starting with "_": the migration loader does not take it for a migration.)"""

from django.db import migrations


def seed_synonyms(pairs: list[tuple[str, str]]) -> migrations.RunPython:
    def add(apps, schema_editor):
        SearchSynonym = apps.get_model("listings", "SearchSynonym")
        for term, equivalent in pairs:
            SearchSynonym.objects.get_or_create(term=term, equivalent=equivalent)

    def remove(apps, schema_editor):
        SearchSynonym = apps.get_model("listings", "SearchSynonym")
        for term, equivalent in pairs:
            SearchSynonym.objects.filter(term=term, equivalent=equivalent).delete()

    return migrations.RunPython(add, remove)
