"""Applications and students' inquiries to labs, for support and abuse reports."""

from django.contrib import admin

from listings.models import Application, ApplicationEvent, LabInquiry

from .common import HistoryInline


class ApplicationEventInline(HistoryInline):
    model = ApplicationEvent


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["student", "listing", "status", "submitted_at", "updated_at"]
    list_filter = ["status"]
    list_select_related = ["student", "listing"]
    search_fields = ["student__email", "listing__title"]
    raw_id_fields = ["student", "listing"]
    # The CV is served only by the permission-checking view; notes are the student's own.
    exclude = ["cv", "notes"]
    readonly_fields = [
        "status", "cv_filename", "submitted_at", "created_at", "updated_at",
        "follow_up_on",
    ]  # fmt: skip
    inlines = [ApplicationEventInline]


@admin.register(LabInquiry)
class LabInquiryAdmin(admin.ModelAdmin):
    """Students' messages to labs, for handling abuse reports; read-only."""

    list_display = ["created_at", "student", "lab"]
    list_select_related = ["student", "lab"]
    list_filter = ["lab__institution"]
    search_fields = ["student__email", "lab__name"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
