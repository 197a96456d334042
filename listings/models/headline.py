"""The narrow copy of each published listing's headline that broad searches rank on.

A word found in thousands of listings cannot be ranked over every full search vector
within a page's time (80 ms for "research" at 100,000 listings). Its best matches are
nearly always listings with the word in their title or role types, so a search first
ranks this small table (about 160 bytes a row) to pick candidates, then ranks only
those on their full vectors (`search.page.page_ids`). A database trigger (migration
0017) keeps it: a row per published listing, updated with the listing, removed when it
leaves the published state or is deleted."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models


class ListingHeadline(models.Model):
    listing = models.OneToOneField(
        "listings.Listing", on_delete=models.DO_NOTHING, primary_key=True,
        db_constraint=False, related_name="+",
    )  # fmt: skip
    # title (weight A) and role type names (B), as in the full search vector
    headline_vector = SearchVectorField()
    # words in the listing's whole search document: ts_rank's length normalisation
    length = models.IntegerField()
    published_at = models.DateTimeField(null=True)
    expires_at = models.DateTimeField(null=True)

    class Meta:
        indexes = [GinIndex(fields=["headline_vector"], name="listing_headline_vector")]

    def __str__(self) -> str:
        return f"headline of listing {self.listing_id}"
