"""What the admin modules share: read-only history inlines, https for typed links."""

from django.contrib import admin
from django.db import models

from listings.models import ListingEvent

# Links typed without a scheme ("lab.example.edu") get https://, not http://.
HTTPS_URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


class HistoryInline(admin.TabularInline):
    """State-change events, read-only: history is recorded by transitions, never edited."""

    extra = 0
    can_delete = False
    fields = ["created_at", "actor", "from_status", "to_status", "reason"]
    readonly_fields = fields
    verbose_name_plural = "history"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class ListingEventInline(HistoryInline):
    model = ListingEvent
