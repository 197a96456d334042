"""Admin for users and their profiles."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import LabStaffProfile, StudentCertification, StudentProfile, User
from .services import lab_staff_verify

# CVs are served only by the permission-checking views, never by a storage URL.
PROFILE_CV_FIELDS = {"exclude": ["cv"], "readonly_fields": ["cv_filename", "cv_uploaded_at"]}


class StudentProfileInline(admin.StackedInline):
    model = StudentProfile
    can_delete = False
    extra = 0
    exclude = PROFILE_CV_FIELDS["exclude"]
    readonly_fields = PROFILE_CV_FIELDS["readonly_fields"]


class StudentCertificationInline(admin.TabularInline):
    model = StudentCertification
    extra = 0


class LabStaffProfileInline(admin.StackedInline):
    model = LabStaffProfile
    fk_name = "user"
    can_delete = False
    extra = 0
    raw_id_fields = ["lab"]
    readonly_fields = ["verified_at", "verified_by"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "role", "is_staff", "is_active"]
    list_filter = ["role", "is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["email", "first_name", "last_name"]
    inlines = [StudentProfileInline, LabStaffProfileInline]
    fieldsets = [
        (None, {"fields": ["email", "password", "role"]}),
        ("Personal info", {"fields": ["first_name", "last_name"]}),
        (
            "Permissions",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("Important dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "role", "password1", "password2"]}),
    ]


@admin.register(StudentProfile)
class StudentProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "program", "graduation_year"]
    list_filter = ["program", "graduation_year"]
    list_select_related = ["user"]
    search_fields = ["user__email", "user__first_name", "user__last_name"]
    exclude = PROFILE_CV_FIELDS["exclude"]
    readonly_fields = PROFILE_CV_FIELDS["readonly_fields"]
    inlines = [StudentCertificationInline]
    raw_id_fields = ["user"]


@admin.register(LabStaffProfile)
class LabStaffProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "title", "lab", "verified", "verified_at"]
    list_filter = ["verified", "lab__institution"]
    list_select_related = ["user", "lab", "lab__institution"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "lab__name"]
    raw_id_fields = ["user", "lab"]
    readonly_fields = ["verified_at", "verified_by"]
    actions = ["verify_selected"]

    @admin.action(description="Verify selected lab staff", permissions=["change"])
    def verify_selected(self, request, queryset):
        count = lab_staff_verify(profiles=queryset, by=request.user)
        messages.success(request, f"Verified {count} lab staff member{'s' if count != 1 else ''}.")
