"""Admin: moderation queue, listings, labs with their staff, role types, certifications."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timesince

from accounts.models import LabStaffProfile
from accounts.services import lab_staff_verify

from .catalogue import forget_catalogue
from .forms import RejectionForm
from .models import (
    Application,
    ApplicationEvent,
    Certification,
    Institution,
    Lab,
    LabInquiry,
    Listing,
    ListingEvent,
    PendingListing,
    RoleType,
    SearchSynonym,
)
from .services import MODERATE_PERMISSION, listing_approve, listing_reject
from .transitions import IllegalTransition

MODERATION_ACTIONS = {"approve_selected", "reject_selected"}
# Links typed without a scheme ("lab.example.edu") get https://, not http://.
HTTPS_URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


class ForgetsCatalogue:
    """Admin for a list that searches cache (see catalogue.py): changes apply at once."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        forget_catalogue()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        forget_catalogue()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        forget_catalogue()


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


class ModerationMixin:
    """Approve and reject, as bulk actions and as a per-listing page.

    Only users with `listings.moderate_listing` may use them; anyone else gets 403,
    also when they post an action by hand.
    """

    actions = ["approve_selected", "reject_selected"]

    def has_moderate_permission(self, request) -> bool:
        return request.user.has_perm(MODERATE_PERMISSION)

    def changelist_view(self, request, extra_context=None):
        if (
            request.method == "POST"
            and request.POST.get("action") in MODERATION_ACTIONS
            and not self.has_moderate_permission(request)
        ):
            raise PermissionDenied("Only moderators can approve or reject listings.")
        return super().changelist_view(request, extra_context)

    def _decide_each(self, request, queryset, decide, done: str):
        decided, refused = 0, []
        # The queue admin works on a proxy; decide on (and log) the listings themselves.
        listings = Listing.objects.filter(pk__in=queryset.values("pk")).select_related("lab")
        for listing in listings.order_by("submitted_at", "id"):
            try:
                decide(listing)
            except IllegalTransition as exc:
                refused.append(f"“{listing}”: {exc}")
            else:
                decided += 1
        if decided:
            messages.success(request, f"{done} {decided} listing{'s' if decided != 1 else ''}.")
        for message in refused:
            messages.error(request, message)

    @admin.action(description="Approve and publish selected listings", permissions=["moderate"])
    def approve_selected(self, request, queryset):
        self._decide_each(
            request,
            queryset,
            lambda listing: listing_approve(listing=listing, moderator=request.user),
            "Approved",
        )

    @admin.action(description="Reject selected listings…", permissions=["moderate"])
    def reject_selected(self, request, queryset):
        form = RejectionForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            self._decide_each(
                request,
                queryset,
                lambda listing: listing_reject(
                    listing=listing, moderator=request.user, reason=form.reason
                ),
                "Rejected",
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Reject listings",
            "opts": self.model._meta,
            "listings": queryset.select_related("lab"),
            "form": form,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/listings/reject_selected.html", context)

    @admin.display(description="Moderate")
    def moderate_link(self, listing):
        if listing.status != Listing.Status.PENDING:
            return "—"
        url = reverse("admin:listings_listing_moderate", args=[listing.pk])
        return format_html('<a href="{}">Review</a>', url)


@admin.register(Listing)
class ListingAdmin(ModerationMixin, admin.ModelAdmin):
    formfield_overrides = HTTPS_URL_FIELDS
    list_display = ["title", "lab", "institution", "status", "published_at", "expires_at"]
    list_filter = ["status", "role_types", "compensation", "work_mode", "lab__institution"]
    list_select_related = ["lab", "lab__institution"]
    search_fields = ["title", "lab__name", "lab__institution__name"]
    date_hierarchy = "created_at"
    raw_id_fields = ["lab", "created_by"]
    filter_horizontal = ["role_types", "certifications"]
    # States change only through transitions (which record events), never by editing.
    readonly_fields = [
        "status",
        "rejection_reason",
        "submitted_at",
        "published_at",
        "created_at",
        "updated_at",
    ]
    inlines = [ListingEventInline]
    change_form_template = "admin/listings/listing/change_form.html"

    @admin.display(description="Institution", ordering="lab__institution__name")
    def institution(self, listing):
        return listing.lab.institution

    def get_urls(self):
        return [
            path(
                "<path:object_id>/moderate/",
                self.admin_site.admin_view(self.moderate_view),
                name="listings_listing_moderate",
            ),
            *super().get_urls(),
        ]

    def moderate_view(self, request, object_id):
        """One pending listing in full, with approve and reject (reason required)."""
        if not self.has_moderate_permission(request):
            raise PermissionDenied("Only moderators can approve or reject listings.")
        listing = (
            Listing.objects.select_related("lab__institution", "created_by")
            .prefetch_related("role_types", "certifications")
            .filter(pk=unquote(object_id))
            .first()
        )
        if listing is None:
            raise Http404("No such listing.")
        queue_url = reverse("admin:listings_pendinglisting_changelist")
        form = RejectionForm()
        if request.method == "POST":
            decision = request.POST.get("decision")
            try:
                if decision == "approve":
                    note = request.POST.get("note", "").strip()[:2000]
                    listing_approve(listing=listing, moderator=request.user, note=note)
                    messages.success(request, f"Approved and published “{listing}”.")
                    return HttpResponseRedirect(queue_url)
                if decision == "reject":
                    form = RejectionForm(request.POST)
                    if form.is_valid():
                        listing_reject(listing=listing, moderator=request.user, reason=form.reason)
                        messages.success(request, f"Rejected “{listing}”. The poster will see why.")
                        return HttpResponseRedirect(queue_url)
                else:
                    messages.error(request, "Choose approve or reject.")
            except IllegalTransition as exc:
                messages.error(request, str(exc))
                return HttpResponseRedirect(request.path)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Review “{listing}”",
            "opts": self.model._meta,
            "original": listing,
            "listing": listing,
            "form": form,
            "time_in_queue": timesince(listing.submitted_at) if listing.submitted_at else "",
            "queue_url": queue_url,
        }
        return TemplateResponse(request, "admin/listings/moderate.html", context)


@admin.register(PendingListing)
class PendingListingAdmin(ModerationMixin, admin.ModelAdmin):
    list_display = [
        "title", "lab", "institution", "submitted_at", "time_in_queue", "possible_duplicate",
        "moderate_link",
    ]  # fmt: skip
    list_select_related = ["lab", "lab__institution", "duplicate_of"]
    list_filter = ["lab__institution", "role_types"]
    search_fields = ["title", "lab__name"]
    ordering = ["submitted_at", "id"]
    list_display_links = None

    def get_queryset(self, request):
        return super().get_queryset(request).pending_review()

    @admin.display(description="Institution")
    def institution(self, listing):
        return listing.lab.institution

    @admin.display(description="Possible duplicate of")
    def possible_duplicate(self, listing):
        if listing.duplicate_of is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a> ({}% alike)',
            listing.duplicate_of.get_absolute_url(),
            listing.duplicate_of.title,
            round((listing.duplicate_similarity or 0) * 100),
        )

    @admin.display(description="Time in queue", ordering="submitted_at")
    def time_in_queue(self, listing):
        if listing.submitted_at is None:
            return "—"
        return timesince(listing.submitted_at, timezone.now())

    def has_view_permission(self, request, obj=None):
        return self.has_moderate_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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


@admin.register(Institution)
class InstitutionAdmin(ForgetsCatalogue, admin.ModelAdmin):
    formfield_overrides = HTTPS_URL_FIELDS
    list_display = ["name", "slug", "website"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(RoleType)
class RoleTypeAdmin(ForgetsCatalogue, admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Certification)
class CertificationAdmin(ForgetsCatalogue, admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(SearchSynonym)
class SearchSynonymAdmin(ForgetsCatalogue, admin.ModelAdmin):
    list_display = ["term", "equivalent"]
    search_fields = ["term", "equivalent"]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "subtitle": "A search for either side of a pair also finds the other.",
        }
        return super().changelist_view(request, extra_context)


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
