"""Admin for users and their student profiles; lab memberships are in Listings."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import LabStaffProfile, StudentCertification, StudentProfile, User

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
    """Read-only here: memberships change through their moves (Lab staff, in Listings)."""

    model = LabStaffProfile
    fk_name = "user"
    can_delete = False
    extra = 0
    fields = ["lab", "title", "status", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


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
