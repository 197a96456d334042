"""Keep search vectors inline in the row (compressed) rather than in the TOAST table:
every text search reads them for every matching row, and a separate TOAST lookup per
row doubled the cost of counting broad searches (measured with bench_search)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("listings", "0010_facets_index")]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE listings_listing ALTER COLUMN search_vector SET STORAGE MAIN",
            "ALTER TABLE listings_listing ALTER COLUMN search_vector SET STORAGE EXTENDED",
        ),
    ]
