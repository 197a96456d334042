"""The data migrations that seed search synonyms share this: one RunPython that adds
(term, equivalent) pairs, and removes them when the migration is reversed. (A name
starting with "_": the migration loader does not take it for a migration.)"""

from django.db import migrations


def add_pairs(apps, pairs: list[tuple[str, str]]) -> None:
    """Each (term, equivalent) pair, unless it is there (the tests' reseeding, after a
    transactional test flushed the tables, calls this too)."""
    SearchSynonym = apps.get_model("listings", "SearchSynonym")
    for term, equivalent in pairs:
        SearchSynonym.objects.get_or_create(term=term, equivalent=equivalent)


def seed_synonyms(pairs: list[tuple[str, str]]) -> migrations.RunPython:
    def add(apps, schema_editor):
        add_pairs(apps, pairs)

    def remove(apps, schema_editor):
        SearchSynonym = apps.get_model("listings", "SearchSynonym")
        for term, equivalent in pairs:
            SearchSynonym.objects.filter(term=term, equivalent=equivalent).delete()

    return migrations.RunPython(add, remove)
