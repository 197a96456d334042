"""Saved searches: a student's search, re-run to email what is new."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from .choices import AlertFrequency


class SavedSearch(models.Model):
    """A student's search, re-run by `send_search_alerts` to email what is new."""

    Frequency = AlertFrequency

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(max_length=120)
    query = models.CharField(
        max_length=2000, blank=True, help_text="The search page's parameters, URL-encoded."
    )
    frequency = models.CharField(max_length=8, choices=Frequency.choices, default=Frequency.DAILY)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Listings published after this moment are "new" for the next alert.
    alerted_up_to = models.DateTimeField(default=timezone.now)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "query"],
                name="savedsearch_once_per_student",
                violation_error_message="You already saved this search.",
            ),
            models.CheckConstraint(
                condition=models.Q(frequency__in=AlertFrequency.values),
                name="savedsearch_frequency_valid",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        url = reverse("listings:listing_list")
        return f"{url}?{self.query}" if self.query else url

    @property
    def interval(self) -> timedelta:
        return timedelta(days=1 if self.frequency == self.Frequency.DAILY else 7)
