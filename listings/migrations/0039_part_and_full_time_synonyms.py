"""Words students type as one: "full time" found the part-time listings (no listing
says "full", so the page showed the listings with "time", most of them "part-time");
now it is one word that no listing mentions ("No open listing mentions full time"),
and the rest of the search is shown. "parttime" and "fulltime" are the same words.
Admins edit these in the admin."""

from django.db import migrations

from ._synonym_pairs import seed_synonyms

SYNONYMS = [
    ("part time", "part-time"),
    ("part time", "parttime"),
    ("full time", "full-time"),
    ("full time", "fulltime"),
]


class Migration(migrations.Migration):
    dependencies = [("listings", "0038_specialty_and_pay_synonyms")]

    operations = [seed_synonyms(SYNONYMS)]
