"""The word index of the listings in the first 64 sample buckets (a sixteenth of the
board): a large search's sample (search.counts) looks its words up there instead of
among every listing's entries. "patient consent" at a million listings: the sample's
counts took 113-119 ms building the bitmap of every listing with both words, 15-16 ms
from this index. It holds 6% of the listings, so it builds in seconds at a million."""

import django.contrib.postgres.indexes
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("listings", "0031_drop_compensation_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="listing",
            index=django.contrib.postgres.indexes.GinIndex(
                condition=models.Q(("sample_bucket__lt", 64)),
                fields=["search_vector"],
                name="listing_sample_words",
            ),
        ),
    ]
