"""Labs and their members: approve labs asked for at sign-up (their founders with
them); moderators approve or decline requests to join a lab. Memberships change only
through their moves, each recorded with who made it."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q

from accounts.models import LabStaffEvent, LabStaffProfile, Membership
from labjobs.errors import ServiceError
from listings.models import Lab
from listings.services import labs

from .common import HTTPS_URL_FIELDS, HistoryInline


class LabStaffInline(admin.TabularInline):
    """Read-only: members change through Lab staff profiles' actions."""

    model = LabStaffProfile
    extra = 0
    can_delete = False
    fields = ["user", "title", "status", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


@admin.register(Lab)
class LabAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URL_FIELDS
    list_display = [
        "name", "institution", "city", "approved", "trusted", "open_to_inquiries",
        "staff_count", "requests_count",
    ]  # fmt: skip
    list_filter = ["approved", "institution", "trusted", "open_to_inquiries"]
    list_select_related = ["institution"]
    search_fields = ["name", "institution__name", "principal_investigator", "department"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [LabStaffInline]
    actions = ["approve_labs"]
    raw_id_fields = ["requested_by"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                staff_total=Count("staff", filter=Q(staff__status=Membership.ACTIVE)),
                requests_total=Count("staff", filter=Q(staff__status=Membership.REQUESTED)),
            )
        )

    @admin.display(description="Staff", ordering="staff_total")
    def staff_count(self, lab):
        return lab.staff_total

    @admin.display(description="Asking to join", ordering="requests_total")
    def requests_count(self, lab):
        return lab.requests_total

    @admin.action(
        description="Approve selected labs (asked for at sign-up), and their founders",
        permissions=["change"],
    )
    def approve_labs(self, request, queryset):
        count = labs.labs_approve(labs=queryset, by=request.user)
        messages.success(request, f"Approved {count} lab{'s' if count != 1 else ''}.")


class LabStaffEventInline(HistoryInline):
    model = LabStaffEvent


@admin.register(LabStaffProfile)
class LabStaffProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "title", "lab", "status", "created_at"]
    list_filter = ["status", "lab__institution"]
    list_select_related = ["user", "lab", "lab__institution"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "lab__name"]
    fields = ["user", "lab", "title", "status", "created_at", "updated_at"]
    readonly_fields = ["user", "lab", "status", "created_at", "updated_at"]
    inlines = [LabStaffEventInline]
    actions = ["approve_selected", "decline_selected"]

    def has_add_permission(self, request):
        return False  # memberships begin at the staff sign-up

    def _decide_each(self, request, queryset, decide, done: str):
        decided, refused = 0, []
        for profile in queryset.select_related("user", "lab"):
            try:
                decide(profile=profile, by=request.user)
                decided += 1
            except (ServiceError, PermissionDenied) as error:
                refused.append(f"{profile.user.email}: {error}")
        if decided:
            messages.success(request, f"{done} {decided}.")
        for problem in refused:
            messages.error(request, problem)

    @admin.action(description="Approve selected requests to join", permissions=["change"])
    def approve_selected(self, request, queryset):
        self._decide_each(request, queryset, labs.membership_approve, "Approved")

    @admin.action(description="Decline selected requests to join", permissions=["change"])
    def decline_selected(self, request, queryset):
        self._decide_each(request, queryset, labs.membership_decline, "Declined")
