"""Labs with their staff: approve labs asked for at sign-up, verify their staff."""

from django.contrib import admin, messages
from django.db.models import Count, Q

from accounts.models import LabStaffProfile
from accounts.services import lab_staff_verify
from listings.models import Lab

from .common import HTTPS_URL_FIELDS


class LabStaffInline(admin.TabularInline):
    model = LabStaffProfile
    extra = 0
    fields = ["user", "title", "verified", "verified_at", "verified_by"]
    readonly_fields = ["verified_at", "verified_by"]
    raw_id_fields = ["user"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "verified_by")


@admin.register(Lab)
class LabAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URL_FIELDS
    list_display = [
        "name",
        "institution",
        "city",
        "approved",
        "trusted",
        "open_to_inquiries",
        "staff_count",
        "unverified_staff",
    ]
    list_filter = ["approved", "institution", "trusted", "open_to_inquiries"]
    list_select_related = ["institution"]
    search_fields = ["name", "institution__name", "principal_investigator", "department"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [LabStaffInline]
    actions = ["verify_staff", "approve_labs"]
    raw_id_fields = ["requested_by"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                staff_total=Count("staff", distinct=True),
                staff_unverified=Count("staff", filter=Q(staff__verified=False), distinct=True),
            )
        )

    @admin.display(description="Staff", ordering="staff_total")
    def staff_count(self, lab):
        return lab.staff_total

    @admin.display(description="Unverified", ordering="staff_unverified")
    def unverified_staff(self, lab):
        return lab.staff_unverified

    def has_verify_permission(self, request) -> bool:
        return request.user.has_perm("accounts.change_labstaffprofile")

    @admin.action(description="Verify all staff of selected labs", permissions=["verify"])
    def verify_staff(self, request, queryset):
        count = lab_staff_verify(
            profiles=LabStaffProfile.objects.filter(lab__in=queryset), by=request.user
        )
        messages.success(request, f"Verified {count} lab staff member{'s' if count != 1 else ''}.")

    @admin.action(
        description="Approve selected labs (asked for at sign-up)", permissions=["change"]
    )
    def approve_labs(self, request, queryset):
        count = queryset.filter(approved=False).update(approved=True)
        messages.success(request, f"Approved {count} lab{'s' if count != 1 else ''}.")
