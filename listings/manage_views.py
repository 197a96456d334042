"""/manage/: a lab's own listings and applicants, for its staff.

Every view is behind accounts.permissions.lab_staff_required and looks objects up
within the staff member's own lab, so another lab's listing, applicant, CV, message
or export is a 404. Applicants (personal data) are for verified staff only.
"""

from __future__ import annotations

import csv
import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from accounts.models import StudentProfile
from accounts.permissions import lab_staff_required

from . import lab_services
from .forms import (
    ApplicantMoveForm,
    BulkNotSelectedForm,
    CloseForm,
    LabSettingsForm,
    ListingForm,
    MessageForm,
)
from .models import (
    IN_PROCESS,
    Application,
    ApplicationEvent,
    ApplicationStatus,
    Listing,
)
from .services import ApplicationError
from .student_views import cv_response, post_message
from .transitions import IllegalTransition

# The dashboard's groups, in the order staff act on them.
DASHBOARD_ORDER = ["published", "pending", "rejected", "draft", "closed", "expired"]
APPLICANT_STATES = [s for s in ApplicationStatus.values if s != ApplicationStatus.SAVED]
APPLICANT_SORTS = {
    "newest": ("-submitted_at", "-id"),
    "oldest": ("submitted_at", "id"),
    "status": ("status", "-submitted_at"),
}


def _lab_listings(request):
    return Listing.objects.filter(lab=request.lab_staff.lab)


def _own_listing(request, pk) -> Listing:
    return get_object_or_404(_lab_listings(request).select_related("lab__institution"), pk=pk)


def _require_verified(request) -> None:
    if not request.lab_staff.verified:
        raise PermissionDenied(
            "Applicants are shown to verified lab staff only. A LabJobs admin verifies "
            "staff accounts; a confirmed address on the lab's email domain does it at once."
        )


def _own_applicant(request, pk) -> Application:
    _require_verified(request)
    return get_object_or_404(
        Application.objects.select_related("listing__lab__institution", "student")
        .exclude(status=ApplicationStatus.SAVED)
        .filter(listing__lab=request.lab_staff.lab),
        pk=pk,
    )


# -- listings -----------------------------------------------------------------------


@require_safe
@lab_staff_required
def dashboard(request):
    counts = {
        f"n_{state}": Count("applications", filter=Q(applications__status=state))
        for state in APPLICANT_STATES
    }
    listings = list(_lab_listings(request).annotate(**counts).order_by("-updated_at", "-id"))
    for listing in listings:
        listing.applicant_counts = [
            (ApplicationStatus(state).label, getattr(listing, f"n_{state}"))
            for state in APPLICANT_STATES
            if getattr(listing, f"n_{state}")
        ]
    groups = [
        (Listing.Status(state), [row for row in listings if row.status == state])
        for state in DASHBOARD_ORDER
    ]
    return render(
        request,
        "manage/dashboard.html",
        {"groups": [(s, rows) for s, rows in groups if rows], "profile": request.lab_staff},
    )


@lab_staff_required
def listing_create(request):
    if request.method == "POST":
        form = ListingForm(request.POST)
        if form.is_valid():
            listing, created = lab_services.listing_create(
                form=form, profile=request.lab_staff, token=form.cleaned_data["form_token"]
            )
            if created:
                messages.success(request, "Draft saved. Preview it, then submit it for review.")
            else:
                messages.info(request, "This draft was already saved (the form was sent twice).")
            return _after_save(request, listing)
    else:
        form = ListingForm(initial={"form_token": uuid.uuid4(), "levels": [], "schedules": []})
    return render(request, "manage/listing_form.html", {"form": form, "listing": None})


def _after_save(request, listing):
    if request.POST.get("action") == "preview":
        return redirect(listing)  # the public page; a draft shows only to its lab
    return redirect("listings:manage_listing", pk=listing.pk)


@lab_staff_required
def listing_edit(request, pk):
    listing = _own_listing(request, pk)
    if listing.status not in lab_services.EDITABLE:
        return render(request, "manage/listing_status.html", _status_context(listing))
    if request.method == "POST":
        form = ListingForm(request.POST, instance=listing)
        if form.is_valid():
            try:
                lab_services.listing_update(
                    form=form, by=request.user, version=form.cleaned_data["version"] or ""
                )
            except lab_services.LabStaffError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "Changes saved.")
                return _after_save(request, listing)
    else:
        form = ListingForm(instance=listing, initial={"version": listing.updated_at.isoformat()})
    return render(request, "manage/listing_form.html", {"form": form, **_status_context(listing)})


def _status_context(listing) -> dict:
    return {
        "listing": listing,
        "events": listing.events.select_related("actor"),
        "close_form": CloseForm(),
    }


@require_POST
@lab_staff_required
def listing_submit(request, pk):
    listing = _own_listing(request, pk)
    try:
        duplicates = lab_services.listing_submit(
            listing=listing,
            profile=request.lab_staff,
            confirm_duplicate=request.POST.get("confirm_duplicate") == "yes",
        )
    except (lab_services.LabStaffError, IllegalTransition) as error:
        messages.error(request, str(error))
        return redirect("listings:manage_listing", pk=listing.pk)
    if duplicates:
        return render(
            request,
            "manage/listing_duplicates.html",
            {"listing": listing, "duplicates": duplicates},
            status=409,
        )
    listing.refresh_from_db()
    if listing.status == Listing.Status.PUBLISHED:
        messages.success(request, "Published: your lab is trusted, so no review was needed.")
    else:
        messages.success(request, "Submitted for review. We email you when it is decided.")
    return redirect("listings:manage_listing", pk=listing.pk)


def _state_action(action, success: str):
    @require_POST
    @lab_staff_required
    def view(request, pk):
        listing = _own_listing(request, pk)
        try:
            action(request, listing)
        except (lab_services.LabStaffError, IllegalTransition) as error:
            messages.error(request, str(error))
        else:
            messages.success(request, success)
        return redirect("listings:manage_listing", pk=listing.pk)

    return view


listing_withdraw = _state_action(
    lambda request, listing: lab_services.listing_withdraw_submission(
        listing=listing, by=request.user
    ),
    "Taken back from review: it is a draft again.",
)
listing_close = _state_action(
    lambda request, listing: lab_services.listing_close(
        listing=listing, by=request.user, reason=request.POST.get("reason", "")
    ),
    "Closed. It takes no more applications; its page stays, marked closed.",
)


@lab_staff_required
def listing_renew(request, pk):
    """The expiry email links here: GET shows what renewing does, POST renews."""
    listing = _own_listing(request, pk)
    if request.method == "POST":
        try:
            lab_services.listing_renew(listing=listing, by=request.user)
        except IllegalTransition:
            messages.error(request, "Only an open or expired listing can be renewed.")
        else:
            listing.refresh_from_db()
            messages.success(
                request,
                f"Renewed: it stays up until {timezone.localtime(listing.expires_at):%b %-d, %Y}.",
            )
        return redirect("listings:manage_listing", pk=listing.pk)
    return render(request, "manage/listing_renew.html", {"listing": listing})


@require_POST
@lab_staff_required
def listing_clone(request, pk):
    listing = _own_listing(request, pk)
    clone = lab_services.listing_clone(listing=listing, by=request.user)
    messages.success(request, "Cloned as a new draft. Set its dates, then submit it.")
    return redirect("listings:manage_listing", pk=clone.pk)


@lab_staff_required
def lab_settings(request):
    lab = request.lab_staff.lab
    if request.method == "POST":
        if not request.lab_staff.verified:
            raise PermissionDenied("Only verified staff can change the lab's settings.")
        form = LabSettingsForm(request.POST, instance=lab)
        if form.is_valid():
            form.save()
            messages.success(request, "Lab settings saved.")
            return redirect("listings:manage_lab")
    else:
        form = LabSettingsForm(instance=lab)
    return render(request, "manage/lab_settings.html", {"form": form, "lab": lab})


# -- applicants ----------------------------------------------------------------------


def _applicants(request, pk) -> tuple[Listing, QuerySet]:
    """A listing of the staff member's lab, and its sent applications with what the
    pipeline and the export show (profiles, certifications held) prefetched."""
    _require_verified(request)
    listing = _own_listing(request, pk)
    listing = Listing.objects.prefetch_related("certifications").get(pk=listing.pk)
    applications = (
        Application.objects.filter(listing=listing)
        .exclude(status=ApplicationStatus.SAVED)
        .select_related("student")
        .prefetch_related(
            Prefetch(
                "student__student_profile",
                queryset=StudentProfile.objects.prefetch_related("held_certifications"),
            )
        )
    )
    return listing, applications


@require_safe
@lab_staff_required
def applicant_list(request, pk):
    listing, applications = _applicants(request, pk)
    status = request.GET.get("status", "")
    sort = request.GET.get("sort", "newest")
    applications = applications.order_by(*APPLICANT_SORTS.get(sort, APPLICANT_SORTS["newest"]))
    if status in APPLICANT_STATES:
        applications = applications.filter(status=status)
    rows = list(applications)
    for application in rows:
        profile = (
            getattr(application.student, "student_profile", None) if application.student else None
        )
        application.match = profile.certification_match(listing) if profile else None
    bulk_form = BulkNotSelectedForm(application_ids=[a.pk for a in rows])
    return render(
        request,
        "manage/applicant_list.html",
        {
            "listing": listing,
            "applications": rows,
            "states": [(s, ApplicationStatus(s).label) for s in APPLICANT_STATES],
            "status": status,
            "sort": sort if sort in APPLICANT_SORTS else "newest",
            "bulk_form": bulk_form,
            "in_process": IN_PROCESS,
        },
    )


@require_POST
@lab_staff_required
def applicants_not_selected(request, pk):
    _require_verified(request)
    listing = _own_listing(request, pk)
    ids = list(
        Application.objects.filter(listing=listing, status__in=IN_PROCESS).values_list(
            "pk", flat=True
        )
    )
    form = BulkNotSelectedForm(request.POST, application_ids=ids)
    if not form.is_valid():
        messages.error(
            request,
            "Choose at least one applicant who is still in process, and write the message.",
        )
        return redirect("listings:manage_applicants", pk=listing.pk)
    moved = lab_services.applicants_mark_not_selected(
        listing=listing,
        application_ids=form.cleaned_data["applications"],
        by=request.user,
        note=form.cleaned_data["note"],
    )
    messages.success(request, f"Marked {moved} applicant(s) as not selected and emailed them.")
    return redirect("listings:manage_applicants", pk=listing.pk)


@require_safe
@lab_staff_required
def applicants_csv(request, pk):
    listing, applications = _applicants(request, pk)
    applications = applications.order_by("submitted_at", "id")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="applicants-listing-{listing.pk}.csv"'
    response["Cache-Control"] = "private, no-store"
    writer = csv.writer(response)
    writer.writerow(
        ["Name", "Email", "Program", "Graduation year", "Status", "Submitted",
         "Certifications met", "Skills"]
    )  # fmt: skip
    for application in applications:
        student = application.student
        profile = getattr(student, "student_profile", None) if student else None
        match = profile.certification_match(listing) if profile else None
        writer.writerow(
            safe_csv_row(
                [
                    student.get_full_name() if student else "Deleted account",
                    student.email if student else "",
                    profile.get_program_display() if profile else "",
                    profile.graduation_year if profile and profile.graduation_year else "",
                    application.get_status_display(),
                    timezone.localtime(application.submitted_at).strftime("%Y-%m-%d %H:%M"),
                    f"{len(match.met)} of {match.required}" if match else "",
                    ", ".join(profile.skills) if profile else "",
                ]
            )
        )
    return response


# Spreadsheets run a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_csv_row(values) -> list[str]:
    """Cells a spreadsheet shows as text: one that would start a formula gets a
    leading apostrophe (OWASP's advice for CSV injection)."""
    row = []
    for value in values:
        text = "" if value is None else str(value)
        row.append(f"'{text}" if text.startswith(FORMULA_STARTS) else text)
    return row


@require_safe
@lab_staff_required
def applicant_detail(request, pk):
    application = _own_applicant(request, pk)
    application = (
        Application.objects.prefetch_related(
            Prefetch("events", queryset=ApplicationEvent.objects.select_related("actor")),
            Prefetch("messages"),
            "listing__certifications",
        )
        .select_related("listing__lab__institution", "student")
        .get(pk=application.pk)
    )
    profile = StudentProfile.objects.for_match(application.student_id)
    return render(
        request,
        "manage/applicant_detail.html",
        {
            "application": application,
            "listing": application.listing,
            "profile": profile,
            "match": profile.certification_match(application.listing) if profile else None,
            "move_form": ApplicantMoveForm(),
            "message_form": MessageForm(),
            "downloads": application.cv_downloads.select_related("downloaded_by")[:10],
        },
    )


@require_POST
@lab_staff_required
def applicant_move(request, pk):
    application = _own_applicant(request, pk)
    form = ApplicantMoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a move.")
        return redirect("listings:manage_applicant", pk=application.pk)
    try:
        lab_services.applicant_move(
            application=application,
            move=form.cleaned_data["move"],
            by=request.user,
            note=form.cleaned_data["note"],
        )
    except (IllegalTransition, ApplicationError) as error:
        messages.error(request, str(error))
    else:
        application.refresh_from_db()
        messages.success(
            request, f"Moved to “{application.get_status_display()}”; the student was emailed."
        )
    return redirect("listings:manage_applicant", pk=application.pk)


@require_POST
@lab_staff_required
def applicant_message(request, pk):
    application = _own_applicant(request, pk)
    post_message(request, application, sent="Message sent; the student was emailed.")
    return redirect("listings:manage_applicant", pk=application.pk)


@require_safe
@lab_staff_required
def applicant_cv(request, pk):
    application = _own_applicant(request, pk)
    if not application.cv:
        from django.http import Http404

        raise Http404("No CV was sent with this application.")
    lab_services.cv_download_record(application=application, by=request.user)
    return cv_response(application.cv, application.cv_filename)
