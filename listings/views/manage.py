"""/manage/: a lab's own listings and applicants, for its staff; and the sign-up
page that makes someone a lab's staff.

Every /manage/ view is behind `lab_staff_required` and looks objects up within the
staff member's own lab, so another lab's listing, applicant, CV, message or export
is a 404. Only the lab's staff pass the gate: someone who asked to join, or has not
confirmed an address on the lab's domain yet, sees nothing of the lab.
"""

from __future__ import annotations

from datetime import timedelta

from allauth.account.views import SignupView
from django.contrib import messages
from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from accounts.timing import at_least_for_posts
from listings.forms import (
    LabSettingsForm,
    LabStaffSignupForm,
)
from listings.models import (
    Application,
    ApplicationStatus,
    Listing,
    ListingDayViews,
    ListingStatus,
)
from listings.selectors import lab_applicants, lab_members
from listings.services import labs

from .common import lab_staff_required

# The dashboard's groups, in the order staff act on them.
DASHBOARD_ORDER = [
    ListingStatus.PUBLISHED, ListingStatus.PENDING, ListingStatus.REJECTED, ListingStatus.DRAFT,
    ListingStatus.CLOSED, ListingStatus.EXPIRED,
]  # fmt: skip
EXPIRING_SOON = timedelta(days=7)  # the dashboard puts these first, with a Renew button
APPLICANT_STATES = [s for s in ApplicationStatus.values if s != ApplicationStatus.SAVED]


def _own_listing(request, pk) -> Listing:
    return get_object_or_404(
        Listing.objects.of_lab(request.lab_staff.lab).select_related("lab__institution"), pk=pk
    )


def own_applicant(request, pk) -> Application:
    return get_object_or_404(
        Application.objects.select_related("listing__lab__institution", "student")
        .exclude(status=ApplicationStatus.SAVED)
        .filter(listing__lab=request.lab_staff.lab),
        pk=pk,
    )


def own_listing_applicants(request, pk):
    """A listing of the staff member's lab and its sent applications."""
    return lab_applicants(_own_listing(request, pk))


# -- listings -----------------------------------------------------------------------


@require_safe
@lab_staff_required
def dashboard(request):
    counts = {
        f"n_{state}": Count("applications", filter=Q(applications__status=state))
        for state in APPLICANT_STATES
    }
    lab_listings = Listing.objects.of_lab(request.lab_staff.lab)
    views = (
        ListingDayViews.objects.filter(listing=OuterRef("pk"))
        .values("listing")
        .annotate(total=Sum("views"))
        .values("total")
    )
    rows = list(
        lab_listings.annotate(
            **counts,
            n_saved=Count("applications", filter=Q(applications__status=ApplicationStatus.SAVED)),
            n_views=Coalesce(Subquery(views), 0),
            n_unread=Coalesce(Sum("applications__unread_by_lab"), 0),
        ).order_by("-updated_at", "-id")
    )
    for listing in rows:
        listing.n_sent = sum(getattr(listing, f"n_{state}") for state in APPLICANT_STATES)
        # Of the page's views, the share (in percent) that became a sent application.
        listing.conversion = (
            round(100 * listing.n_sent / listing.n_views) if listing.n_views else None
        )
        listing.applicant_counts = [
            (ApplicationStatus(state).label, getattr(listing, f"n_{state}"))
            for state in APPLICANT_STATES
            if getattr(listing, f"n_{state}")
        ]
    groups = [(state, [row for row in rows if row.status == state]) for state in DASHBOARD_ORDER]
    soon = timezone.now() + EXPIRING_SOON
    expiring = sorted(
        (row for row in rows if row.status == ListingStatus.PUBLISHED and row.expires_at <= soon),
        key=lambda row: row.expires_at,
    )
    return render(
        request,
        "listings/manage/dashboard.html",
        {
            "expiring": expiring,
            "groups": [(s, group) for s, group in groups if group],
            "profile": request.lab_staff,
            "pending_requests": lab_members(request.lab_staff.lab).requests_count,
        },
    )


@lab_staff_required
def lab_settings(request):
    lab = request.lab_staff.lab
    if request.method == "POST":
        form = LabSettingsForm(request.POST, instance=lab)
        if form.is_valid():
            labs.lab_settings_update(form=form, profile=request.lab_staff)
            messages.success(request, "Lab settings saved.")
            return redirect("listings:manage_lab")
    else:
        form = LabSettingsForm(instance=lab)
    return render(request, "listings/manage/lab_settings.html", {"form": form, "lab": lab})


# -- applicants ----------------------------------------------------------------------


# -- joining a lab -------------------------------------------------------------------


class LabStaffSignupView(SignupView):
    """allauth's sign-up page with the lab-staff form (/accounts/signup/staff/)."""

    template_name = "listings/manage/signup_staff.html"

    def get_form_class(self):
        return LabStaffSignupForm


# Like the student sign-up: the same time whether or not the address has an account.
staff_signup = at_least_for_posts("SIGNUP_MIN_SECONDS")(LabStaffSignupView.as_view())
