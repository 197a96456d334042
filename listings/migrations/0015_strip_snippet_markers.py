"""Listing text never keeps the private-use characters that mark matches in search
snippets (U+E000, U+E001): they are stripped on save from now on, and here from the
rows saved before."""

from django.db import migrations

MARKS = "chr(57344) || chr(57345)"  # U+E000 and U+E001
FIELDS = ("title", "description", "responsibilities")

STRIP = (
    "UPDATE listings_listing SET "  # noqa: S608 - fixed column names only
    + ", ".join(f"{field} = translate({field}, {MARKS}, '')" for field in FIELDS)
    + " WHERE "
    + " OR ".join(f"{field} ~ ('[' || {MARKS} || ']')" for field in FIELDS)
)


class Migration(migrations.Migration):
    dependencies = [("listings", "0014_listing_title_trigram_index")]

    operations = [migrations.RunSQL(STRIP, migrations.RunSQL.noop)]
