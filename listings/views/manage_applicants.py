"""/manage/ applicants: a listing's applicants for its lab's staff (who they are,
their program and year, the certifications they hold or lack, the lab's rating), one
applicant's page (letter, CV, timeline, messages, moves, the lab's notes) with the
previous and next applicant, and the bulk "not selected" behind a confirmation.

The lab's rating and notes (`ApplicantReview`) are read here only: no student page,
email or export of the student's reads them. Like every /manage/ view, each is behind
`lab_staff_required` and finds the application within the staff member's own lab."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import F, Prefetch
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from accounts.models import StudentProfile
from listings.forms import (
    ApplicantMoveForm,
    ApplicantReviewForm,
    BulkNotSelectedForm,
    InterviewForm,
    MessageForm,
)
from listings.models import (
    IN_PROCESS,
    ApplicantReview,
    Application,
    ApplicationEvent,
    ApplicationStatus,
)
from listings.selectors import conversation
from listings.services import applications, conversations

from .common import lab_staff_required, post_message, service_errors
from .manage import APPLICANT_STATES, _own_listing, own_applicant, own_listing_applicants

APPLICANT_SORTS = {
    "newest": ("-submitted_at", "-id"),
    "oldest": ("submitted_at", "id"),
    "status": ("status", "-submitted_at"),
    "rating": (F("review__rating").desc(nulls_last=True), "-submitted_at", "-id"),
}


@require_safe
@lab_staff_required
def applicant_list(request, pk):
    listing, rows = own_listing_applicants(request, pk)
    status = request.GET.get("status", "")
    sort = request.GET.get("sort", "newest")
    rows = rows.order_by(*APPLICANT_SORTS.get(sort, APPLICANT_SORTS["newest"]))
    if status in APPLICANT_STATES:
        rows = rows.filter(status=status)
    rows = list(rows)
    for application in rows:
        profile = (
            getattr(application.student, "student_profile", None) if application.student else None
        )
        application.profile = profile
        application.match = profile.certification_match(listing) if profile else None
    return render(
        request,
        "listings/manage/applicant_list.html",
        {
            "listing": listing,
            "applications": rows,
            "states": [(s, ApplicationStatus(s).label) for s in APPLICANT_STATES],
            "status": status,
            "sort": sort if sort in APPLICANT_SORTS else "newest",
            "bulk_form": BulkNotSelectedForm(application_ids=[a.pk for a in rows]),
            "in_process": IN_PROCESS,
        },
    )


@require_POST
@lab_staff_required
def applicants_not_selected(request, pk):
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
    chosen = form.cleaned_data["applications"]
    if request.POST.get("confirm") != "yes":
        # Emails go out to every one of them: say who, and ask first.
        picked = Application.objects.filter(pk__in=chosen).select_related("student")
        context = {"listing": listing, "picked": picked, "note": form.cleaned_data["note"]}
        return render(request, "listings/manage/applicants_not_selected_confirm.html", context)
    moved = applications.applications_mark_not_selected(
        listing=listing,
        application_ids=chosen,
        by=request.user,
        note=form.cleaned_data["note"],
    )
    messages.success(request, f"Marked {moved} applicant(s) as not selected and emailed them.")
    return redirect("listings:manage_applicants", pk=listing.pk)


@require_safe
@lab_staff_required
def applicant_detail(request, pk):
    return _applicant_page(request, own_applicant(request, pk))


def _applicant_page(request, application, *, interview_form=None, status=200):
    application = (
        Application.objects.prefetch_related(
            Prefetch("events", queryset=ApplicationEvent.objects.select_related("actor")),
            Prefetch("messages"),
            "interviews",
            "listing__certifications",
        )
        .select_related("listing__lab__institution", "student")
        .get(pk=application.pk)
    )
    profile = StudentProfile.objects.for_match(application.student_id)
    review = ApplicantReview.objects.filter(application=application).first()
    entries = conversation(application, viewer_is_lab=True)
    conversations.conversation_mark_read(application=application, by_lab=True)
    return render(
        request,
        "listings/manage/applicant_detail.html",
        {
            **_neighbours(application),
            "review": review,
            "review_form": ApplicantReviewForm(instance=review),
            "application": application,
            "listing": application.listing,
            "profile": profile,
            "match": profile.certification_match(application.listing) if profile else None,
            "entries": entries,
            "move_form": ApplicantMoveForm(),
            "interview_form": interview_form or InterviewForm(),
            "message_form": MessageForm(),
            "downloads": application.cv_downloads.select_related("downloaded_by")[:10],
        },
        status=status,
    )


@require_POST
@lab_staff_required
def applicant_move(request, pk):
    application = own_applicant(request, pk)
    form = ApplicantMoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a move.")
        return redirect("listings:manage_applicant", pk=application.pk)
    with service_errors(request):
        applications.application_move(
            application=application,
            move=form.cleaned_data["move"],
            by=request.user,
            note=form.cleaned_data["note"],
        )
        messages.success(
            request, f"Moved to “{application.get_status_display()}”; the student was emailed."
        )
    return redirect("listings:manage_applicant", pk=application.pk)


@require_POST
@lab_staff_required
def applicant_interview(request, pk):
    """Invite the applicant to an interview; a form with errors comes back on the
    applicant's page (422), filled in as it was."""
    application = own_applicant(request, pk)
    if application.status not in conversations.INVITABLE:
        messages.error(
            request,
            f"This application is {application.get_status_display().lower()}; only "
            "applications in process can be invited to an interview.",
        )
        return redirect("listings:manage_applicant", pk=application.pk)
    form = InterviewForm(request.POST)
    if form.is_valid():
        with service_errors(request, form):
            data = form.cleaned_data
            conversations.interview_invite(
                application=application, by=request.user, starts_at=data["starts_at"],
                duration_minutes=data["duration_minutes"], place=data["place"],
                details=data["details"],
            )  # fmt: skip
            messages.success(
                request, "Invitation sent; the student was emailed it with a calendar file."
            )
            return redirect("listings:manage_applicant", pk=application.pk)
    return _applicant_page(request, application, interview_form=form, status=422)


@require_POST
@lab_staff_required
def applicant_message(request, pk):
    application = own_applicant(request, pk)
    post_message(request, application, sent="Message sent; the student was emailed.")
    return redirect("listings:manage_applicant", pk=application.pk)


def _neighbours(application) -> dict:
    """The previous and next applicant of the same listing, newest first as the list
    shows them (one query for the ids)."""
    ids = list(
        Application.objects.filter(listing_id=application.listing_id)
        .exclude(status=ApplicationStatus.SAVED)
        .order_by(*APPLICANT_SORTS["newest"])
        .values_list("id", flat=True)
    )
    at = ids.index(application.pk)
    return {
        "previous_id": ids[at - 1] if at > 0 else None,
        "next_id": ids[at + 1] if at + 1 < len(ids) else None,
        "position": (at + 1, len(ids)),
    }


@require_POST
@lab_staff_required
def applicant_review(request, pk):
    """Save the lab's rating and notes on an applicant (never shown to the student)."""
    application = own_applicant(request, pk)
    form = ApplicantReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("listings:manage_applicant", pk=application.pk)
    with service_errors(request):
        applications.applicant_review_save(
            application=application, by=request.user,
            rating=form.cleaned_data["rating"], notes=form.cleaned_data["notes"],
        )  # fmt: skip
        messages.success(request, "Rating and notes saved; your lab's staff see them.")
    return redirect("listings:manage_applicant", pk=application.pk)
