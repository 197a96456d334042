"""Listings and the moderation queue: approve or reject, one by one or in bulk, each
decision with an event, an admin LogEntry and an email to the lab."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timesince

from labjobs.errors import IllegalTransition
from listings.forms import RejectionForm
from listings.models import Listing, PendingListing
from listings.services.listings import MODERATE_PERMISSION, listing_approve, listing_reject

from .common import HTTPS_URL_FIELDS, ListingEventInline

MODERATION_ACTIONS = {"approve_selected", "reject_selected"}


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
                    return HttpResponseRedirect(self._next_url(listing, queue_url))
                if decision == "reject":
                    form = RejectionForm(request.POST)
                    if form.is_valid():
                        listing_reject(listing=listing, moderator=request.user, reason=form.reason)
                        messages.success(request, f"Rejected “{listing}”. The poster will see why.")
                        return HttpResponseRedirect(self._next_url(listing, queue_url))
                else:
                    messages.error(request, "Choose approve or reject.")
            except IllegalTransition as exc:
                messages.error(request, str(exc))
                return HttpResponseRedirect(request.path)
        following = self._following(listing)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Review “{listing}”",
            "opts": self.model._meta,
            "original": listing,
            "listing": listing,
            "form": form,
            "time_in_queue": timesince(listing.submitted_at) if listing.submitted_at else "",
            "queue_url": queue_url,
            "next_url": reverse("admin:listings_listing_moderate", args=[following.pk])
            if following
            else "",
            "pending_count": Listing.objects.pending_review().count(),
            "lab_history": Listing.objects.of_lab(listing.lab)
            .exclude(pk=listing.pk)
            .exclude(status=Listing.Status.DRAFT)
            .order_by("-created_at")[:5],
        }
        return TemplateResponse(request, "admin/listings/moderate.html", context)

    @staticmethod
    def _following(listing) -> Listing | None:
        """The pending listing after this one in the queue (oldest submission first),
        else the oldest one still waiting."""
        queue = Listing.objects.pending_review().exclude(pk=listing.pk)
        if listing.submitted_at is not None:
            later = queue.filter(submitted_at__gt=listing.submitted_at).first()
            if later is not None:
                return later
        return queue.first()

    def _next_url(self, listing, queue_url: str) -> str:
        """After a decision, the next listing waiting (each decision takes one click),
        or the queue when none is left."""
        following = self._following(listing)
        if following is None:
            return queue_url
        return reverse("admin:listings_listing_moderate", args=[following.pk])


@admin.register(PendingListing)
class PendingListingAdmin(ModerationMixin, admin.ModelAdmin):
    # Fits a 1,366 px screen: the title is the link to the review page, the lab says its
    # institution once, and the wait is one short column.
    list_display = ["review_link", "lab_short", "time_in_queue", "possible_duplicate"]
    list_select_related = ["lab", "lab__institution", "duplicate_of"]
    list_filter = ["lab__institution", "role_types"]
    search_fields = ["title", "lab__name"]
    ordering = ["submitted_at", "id"]
    list_display_links = None

    class Media:
        css = {"all": ["css/admin-moderation.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).pending_review()

    def waiting_count(self, request) -> int:
        """How many listings wait, beside "Pending review" in the admin's index and
        sidebar (labjobs.admin_site), for moderators."""
        if not self.has_moderate_permission(request):
            return 0
        return Listing.objects.pending_review().count()

    @admin.display(description="Listing", ordering="title")
    def review_link(self, listing):
        url = reverse("admin:listings_listing_moderate", args=[listing.pk])
        return format_html('<a href="{}">{}</a>', url, listing.title)

    @admin.display(description="Lab", ordering="lab__name")
    def lab_short(self, listing):
        return format_html("{}<br><small>{}</small>", listing.lab.name, listing.lab.institution)

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

    @admin.display(description="Waiting", ordering="submitted_at")
    def time_in_queue(self, listing):
        if listing.submitted_at is None:
            return "—"
        return timesince(listing.submitted_at, timezone.now(), depth=1)

    def has_view_permission(self, request, obj=None):
        return self.has_moderate_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
