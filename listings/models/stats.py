"""How often each listing's page is opened, a row per listing and day: the views of
the dashboard's per-listing figures (views, saves, applications, conversion)."""

from django.db import models

from .listing import Listing


class ListingDayViews(models.Model):
    """Opens of a listing's public page on one day, by students and visitors (not its
    own lab's staff, admins or self-declared robots; listings.services.stats)."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="day_views")
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["listing", "day"], name="listingdayviews_once")
        ]

    def __str__(self):
        return f"{self.listing_id} on {self.day}: {self.views}"
