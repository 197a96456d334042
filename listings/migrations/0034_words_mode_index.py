"""The word index holds each listing's work mode too (btree_gin, a trusted extension
that ships with PostgreSQL): a search's words and a mode are found in one scan of
it, which skips through a common word's entries to the mode's, instead of listing
every entry of the word into a bitmap to combine with the mode's ("python" remote at
a million listings: its ranking 84-105 -> 39-45 ms). It replaces the word index,
which the planner no longer chose beside it. Built in about 15 s at a million, while
listings cannot be written."""

import django.contrib.postgres.indexes
from django.contrib.postgres.operations import BtreeGinExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("listings", "0033_phrase_pairs_statistics"),
    ]

    operations = [
        BtreeGinExtension(),
        migrations.AddIndex(
            model_name="listing",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_vector", "work_mode"], name="listing_words_mode"
            ),
        ),
        migrations.RemoveIndex(model_name="listing", name="listing_search_vector"),
    ]
