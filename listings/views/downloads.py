"""Files handed out by permission-checking views, never by storage URL: the CV sent
with an application (its student; the lab's verified staff, each download
recorded) and a listing's applicants as CSV."""

from __future__ import annotations

import csv

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from accounts.files import cv_response
from accounts.permissions import student_required
from listings.services.applications import cv_download_record

from .common import lab_staff_required
from .manage import own_applicant, own_listing_applicants
from .student import own_application

# Spreadsheets run a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@require_safe
@student_required
def application_cv(request, pk):
    """The CV sent with an application, for its student. (The lab downloads it from
    /manage/, where each download is recorded.)"""
    application = own_application(request, pk)
    if not application.cv:
        raise Http404("No CV here.")
    return cv_response(application.cv, application.cv_filename)


@require_safe
@lab_staff_required
def applicant_cv(request, pk):
    application = own_applicant(request, pk)
    if not application.cv:
        raise Http404("No CV was sent with this application.")
    cv_download_record(application=application, by=request.user)
    return cv_response(application.cv, application.cv_filename)


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
def applicants_csv(request, pk):
    listing, applications = own_listing_applicants(request, pk)
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
