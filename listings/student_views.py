"""The student's pages: save a listing, apply, track applications, saved searches.

Every view here is for students only (accounts.permissions.student_required) and
looks objects up through the signed-in student, so another student's application
is a 404, never a 403 that would tell it exists.
"""

from __future__ import annotations

from itertools import groupby

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from accounts.models import StudentProfile
from accounts.permissions import has_verified_email, student_required

from . import lab_services, services
from .forms import ApplicationForm, InquiryForm, MessageForm, SavedSearchForm, TrackingForm
from .models import Application, ApplicationEvent, ApplyMethod, Lab, Listing, SavedSearch
from .transitions import IllegalTransition

# The tracker's groups, in the order a student reads them.
TRACKER_ORDER = [
    Application.Status.OFFER,
    Application.Status.INTERVIEW,
    Application.Status.REVIEWING,
    Application.Status.SUBMITTED,
    Application.Status.SAVED,
    Application.Status.ACCEPTED,
    Application.Status.DECLINED,
    Application.Status.NOT_SELECTED,
    Application.Status.WITHDRAWN,
]


NEXT_MAX = 2000


def _back(request, default: str) -> HttpResponseRedirect:
    """Back to the page a small POST (save, unsave) came from: a path on this site, of
    reasonable length; anything else goes to `default`."""
    target = request.POST.get("next", "")
    if (
        target.startswith("/")
        and len(target) <= NEXT_MAX
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(default)


def _own_application(request, pk: int) -> Application:
    return get_object_or_404(
        Application.objects.select_related("listing__lab__institution"),
        pk=pk,
        student=request.user,
    )


# -- save --------------------------------------------------------------------------


@require_POST
@student_required
def listing_save(request, pk):
    listing = get_object_or_404(Listing.objects.public(), pk=pk)
    _, created = services.application_save(student=request.user, listing=listing)
    if created:
        messages.success(request, f"Saved “{listing.title}”. Find it under My applications.")
    else:
        messages.info(request, f"“{listing.title}” is already in your saved listings.")
    return _back(request, listing.get_absolute_url())


@require_POST
@student_required
def listing_unsave(request, pk):
    listing = get_object_or_404(Listing.objects.visible_to(request.user), pk=pk)
    if services.application_unsave(student=request.user, listing=listing):
        messages.success(request, f"Removed “{listing.title}” from your saved listings.")
    else:
        messages.info(request, f"“{listing.title}” was not in your saved listings.")
    return _back(request, listing.get_absolute_url())


# -- apply -------------------------------------------------------------------------


@student_required
def application_apply(request, pk):
    listing = get_object_or_404(Listing.objects.visible_to(request.user).with_page_data(), pk=pk)
    application = Application.objects.filter(student=request.user, listing=listing).first()
    if application is not None and application.status != Application.Status.SAVED:
        messages.info(request, "You already sent this application; here is where it stands.")
        return redirect("listings:application_detail", pk=application.pk)
    if not listing.takes_applications:
        messages.error(request, "This listing is no longer taking applications.")
        return redirect(listing)
    profile = StudentProfile.objects.for_match(request.user.pk)
    context = {
        "listing": listing,
        "application": application,
        "profile": profile,
        "match": profile.certification_match(listing) if profile else None,
        "email_verified": has_verified_email(request.user),
    }
    if listing.apply_method == ApplyMethod.EXTERNAL:
        return render(request, "listings/application_external.html", context)

    form_kwargs = {
        "profile_cv_name": profile.cv_filename if profile and profile.cv else "",
        "draft_cv_name": application.cv_filename if application and application.cv else "",
    }
    if request.method != "POST":
        initial = {}
        if application is not None:
            initial = {
                "cover_letter": application.cover_letter,
                "version": application.updated_at.isoformat(),
            }
        form = ApplicationForm(initial=initial, **form_kwargs)
        return render(request, "listings/application_apply.html", {**context, "form": form})

    form = ApplicationForm(request.POST, request.FILES, **form_kwargs)
    submitting = request.POST.get("action") == "submit"
    if form.is_valid():
        choice = form.cleaned_data["cv_choice"]
        cv_upload = form.cleaned_data["cv_upload"] if choice == form.CV_UPLOAD else None
        try:
            if application is None:
                application, _ = services.application_save(student=request.user, listing=listing)
            if submitting:
                application = services.application_submit(
                    application=application,
                    cover_letter=form.cleaned_data["cover_letter"],
                    cv_upload=cv_upload,
                    use_profile_cv=choice == form.CV_PROFILE,
                )
                messages.success(
                    request,
                    "Application sent. We emailed you a receipt; the lab sees your cover "
                    "letter and CV as they are now.",
                )
                return redirect("listings:application_detail", pk=application.pk)
            services.application_save_draft(
                application=application,
                cover_letter=form.cleaned_data["cover_letter"],
                cv_upload=cv_upload,
                version=form.cleaned_data["version"],
            )
            messages.success(request, "Draft saved. Come back to it any time before you send it.")
            return redirect("listings:application_apply", pk=listing.pk)
        except (services.ApplicationError, IllegalTransition, ValidationError) as error:
            current = Application.objects.filter(pk=getattr(application, "pk", None)).first()
            if current is not None and current.status != Application.Status.SAVED:
                messages.info(request, _message(error))
                return redirect("listings:application_detail", pk=current.pk)
            form.add_error(None, _message(error))
    return render(request, "listings/application_apply.html", {**context, "form": form})


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


@require_POST
@student_required
def application_track_external(request, pk):
    listing = get_object_or_404(Listing.objects.public(), pk=pk)
    try:
        application = services.application_track_external(student=request.user, listing=listing)
    except (services.ApplicationError, IllegalTransition) as error:
        messages.error(request, _message(error))
        return redirect(listing)
    messages.success(request, "Tracked as sent on the lab's site. Add notes and a follow-up date.")
    return redirect("listings:application_detail", pk=application.pk)


# -- tracker -----------------------------------------------------------------------


def _with_timeline(queryset):
    return queryset.prefetch_related(
        Prefetch("events", queryset=ApplicationEvent.objects.select_related("actor"))
    )


@require_safe
@student_required
def application_list(request):
    applications = list(
        _with_timeline(
            Application.objects.filter(student=request.user).select_related(
                "listing__lab__institution"
            )
        ).order_by("status", "-updated_at", "-id")
    )
    by_status = {
        status: list(rows) for status, rows in groupby(applications, key=lambda a: a.status)
    }
    groups = [
        (Application.Status(status), by_status[status])
        for status in TRACKER_ORDER
        if status in by_status
    ]
    due = [application for application in applications if application.follow_up_due]
    return render(
        request,
        "listings/application_list.html",
        {"groups": groups, "total": len(applications), "due": due},
    )


@student_required
def application_detail(request, pk):
    application = get_object_or_404(
        _with_timeline(Application.objects.select_related("listing__lab__institution")),
        pk=pk,
        student=request.user,
    )
    if request.method == "POST":
        form = TrackingForm(request.POST)
        if form.is_valid():
            services.application_update_tracking(application=application, **form.cleaned_data)
            messages.success(request, "Notes and follow-up date saved.")
            return redirect("listings:application_detail", pk=application.pk)
    else:
        form = TrackingForm(
            initial={"notes": application.notes, "follow_up_on": application.follow_up_on}
        )
    return render(
        request,
        "listings/application_detail.html",
        {
            "application": application,
            "listing": application.listing,
            "form": form,
            "thread": application.messages.all(),
            "message_form": MessageForm(),
        },
    )


@student_required
def application_withdraw(request, pk):
    application = _own_application(request, pk)
    if request.method == "POST":
        try:
            services.application_withdraw(application=application, by=request.user)
        except IllegalTransition:
            messages.error(
                request,
                f"This application is {application.get_status_display().lower()}; "
                "it can no longer be withdrawn.",
            )
        else:
            messages.success(request, "Application withdrawn. The lab will not consider it.")
        return redirect("listings:application_detail", pk=application.pk)
    if not application.can_withdraw:
        messages.info(request, "Only a sent application that is not yet decided can be withdrawn.")
        return redirect("listings:application_detail", pk=application.pk)
    return render(request, "listings/application_withdraw.html", {"application": application})


@require_safe
@student_required
def application_cv(request, pk):
    """The CV sent with an application, for its student. (The lab downloads it from
    /manage/, where each download is recorded.)"""
    application = _own_application(request, pk)
    if not application.cv:
        raise Http404("No CV here.")
    return cv_response(application.cv, application.cv_filename)


@require_POST
@student_required
def application_message(request, pk):
    application = _own_application(request, pk)
    post_message(request, application, sent="Message sent to the lab.")
    return redirect("listings:application_detail", pk=application.pk)


def post_message(request, application, *, sent: str) -> None:
    """Add the posted message to an application's thread (either side), with a message
    saying what happened."""
    form = MessageForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The message is empty or too long (at most 5,000 characters).")
        return
    try:
        lab_services.application_message_send(
            application=application, sender=request.user, body=form.cleaned_data["body"]
        )
    except (services.ApplicationError, ValidationError) as error:
        messages.error(request, _message(error))
    else:
        messages.success(request, sent)


@require_POST
@student_required
def lab_inquiry(request, slug):
    lab = get_object_or_404(Lab.objects.filter(approved=True), slug=slug)
    form = InquiryForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Write a message of at most 2,000 characters.")
        return redirect(lab)
    try:
        lab_services.inquiry_send(
            student=request.user, lab=lab, message=form.cleaned_data["message"]
        )
    except (services.ApplicationError, ValidationError) as error:
        messages.error(request, _message(error))
    else:
        messages.success(
            request, f"Sent to {lab.name}. They reply to your email address, {request.user.email}."
        )
    return redirect(lab)


def cv_response(field, filename: str) -> FileResponse:
    """A stored CV as a download (never shown inline), not kept by shared caches."""
    try:
        handle = field.open("rb")
    except FileNotFoundError as missing:
        raise Http404("The file is missing.") from missing
    response = FileResponse(
        handle, as_attachment=True, filename=filename or "CV.pdf", content_type="application/pdf"
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# -- saved searches ----------------------------------------------------------------


@require_safe
@student_required
def saved_search_list(request):
    searches = SavedSearch.objects.filter(student=request.user)
    return render(
        request,
        "listings/saved_search_list.html",
        {
            "searches": searches,
            "frequencies": SavedSearch.Frequency.choices,
            "email_verified": has_verified_email(request.user),
        },
    )


@require_POST
@student_required
def saved_search_create(request):
    form = SavedSearchForm(request.POST)
    if not form.is_valid():
        messages.error(request, "That search could not be saved: " + _form_errors(form))
        return redirect("listings:listing_list")
    params = QueryDict(form.cleaned_data["query"])
    try:
        saved, created = services.saved_search_create(
            student=request.user,
            params=params,
            name=form.cleaned_data["name"],
            frequency=form.cleaned_data["frequency"],
        )
    except (services.ApplicationError, ValidationError) as error:
        messages.error(request, _message(error))
        return redirect(reverse("listings:listing_list") + "?" + params.urlencode())
    if created:
        messages.success(request, f"Saved the search “{saved.name}”.")
    else:
        messages.info(request, f"You already saved this search as “{saved.name}”.")
    return redirect("listings:saved_search_list")


def _form_errors(form) -> str:
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


@require_POST
@student_required
def saved_search_update(request, pk):
    saved = get_object_or_404(SavedSearch, pk=pk, student=request.user)
    frequency = request.POST.get("frequency", "")
    if frequency not in SavedSearch.Frequency.values:
        messages.error(request, "Choose daily, weekly or no email.")
    else:
        SavedSearch.objects.filter(pk=saved.pk).update(frequency=frequency)
        messages.success(
            request, f"“{saved.name}”: {SavedSearch.Frequency(frequency).label.lower()}."
        )
    return redirect("listings:saved_search_list")


@require_POST
@student_required
def saved_search_delete(request, pk):
    saved = get_object_or_404(SavedSearch, pk=pk, student=request.user)
    saved.delete()
    messages.success(request, f"Deleted the saved search “{saved.name}”.")
    return redirect("listings:saved_search_list")


# The link in every alert works without logging in: the signed token is the proof.
# Mail clients that offer one-click unsubscribe POST to it without a CSRF token
# (RFC 8058), which is why this one view is exempt.
@csrf_exempt
def saved_search_unsubscribe(request, token):
    saved = services.saved_search_for_token(token)
    if saved is None:
        raise Http404("This unsubscribe link is not valid, or its saved search was deleted.")
    if request.method == "POST":
        services.saved_search_stop_emails(saved=saved)
        return render(request, "listings/saved_search_unsubscribed.html", {"saved": saved})
    return render(request, "listings/saved_search_unsubscribe.html", {"saved": saved})
