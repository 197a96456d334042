"""No index on compensation: each of its four options is about a quarter of the
board, so the index never narrows a search enough to pay for reading it, and the
planner combined that quarter's bitmap with a narrow filter's ("bench-university-1"
credit at a million listings: 52-67 ms building the bitmap, 4 ms without it).
Dropping an index is quick; no table is rewritten."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("listings", "0030_students_shorthand_synonyms"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="listing", name="listing_comp"),
    ]
