"""The student's pages: save and unsave listings, apply (draft or send), track
applications, write to labs, and saved searches. Every view is behind
`student_required` and looks objects up among the student's own, so another
student's application is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from accounts.models import StudentProfile
from accounts.permissions import has_verified_email, student_required
from listings.forms import (
    ApplicationForm,
    InquiryForm,
    SavedSearchForm,
)
from listings.models import (
    AlertFrequency,
    Application,
    ApplicationEvent,
    ApplicationStatus,
    ApplyMethod,
    CalendarFeed,
    Lab,
    Listing,
    SavedSearch,
)
from listings.services import applications, inquiries, saved_searches

from .common import back, service_errors

S = ApplicationStatus
# The tracker's groups, in the order a student reads them: what needs an answer first,
# then what waits on the lab, then drafts and bookmarks, then what is decided.
TRACKER_GROUPS = [
    (S.OFFER, "Offers"), (S.INTERVIEW, "Interviews"), (S.REVIEWING, "Under review"),
    (S.SUBMITTED, "Sent"), ("draft", "Drafts (not sent yet)"), (S.SAVED, "Saved listings"),
    (S.ACCEPTED, "Accepted"), (S.DECLINED, "Declined"), (S.NOT_SELECTED, "Not selected"),
    (S.WITHDRAWN, "Withdrawn"),
]  # fmt: skip


def tracker_group(application: Application) -> str:
    return "draft" if application.is_draft else application.status


def own_application(request, pk: int) -> Application:
    return get_object_or_404(
        Application.objects.select_related("listing__lab__institution"),
        pk=pk,
        student=request.user,
    )


# -- save --------------------------------------------------------------------------


def _wants_json(request) -> bool:
    return request.headers.get("Accept", "").startswith("application/json")


def _saved_answer(request, listing, application, text: str, *, level=messages.SUCCESS):
    """After a save or unsave: JSON for the page's script (it swaps the button in
    place and announces `text`), or back to the page without it, to the listing's card."""
    if _wants_json(request):
        context = {"listing": listing, "application": application}
        button = render_to_string("listings/_save_button.html", context, request=request)
        # A bookmark, not a sent application (whose button is a link to it).
        saved = application is not None and application.is_saved
        action = "listings:listing_unsave" if saved else "listings:listing_save"
        return JsonResponse(
            {
                "saved": saved,
                "message": text,
                "action": reverse(action, args=[listing.pk]),
                "button": button,
            }
        )
    messages.add_message(request, level, text)
    return back(request, listing.get_absolute_url())


@require_POST
@student_required
def listing_save(request, pk):
    listing = get_object_or_404(Listing.objects.public(), pk=pk)
    application, created = applications.application_save(student=request.user, listing=listing)
    if created:
        text = f"Saved “{listing.title}”. Find it under My applications."
        return _saved_answer(request, listing, application, text)
    text = f"“{listing.title}” is already in your saved listings."
    return _saved_answer(request, listing, application, text, level=messages.INFO)


@require_POST
@student_required
def listing_unsave(request, pk):
    listing = get_object_or_404(Listing.objects.visible_to(request.user), pk=pk)
    if applications.application_unsave(student=request.user, listing=listing):
        text = f"Removed “{listing.title}” from your saved listings."
        return _saved_answer(request, listing, None, text)
    text = f"“{listing.title}” was not in your saved listings."
    current = Application.objects.filter(student=request.user, listing=listing).first()
    return _saved_answer(request, listing, current, text, level=messages.INFO)


# -- apply -------------------------------------------------------------------------


@student_required
def application_apply(request, pk):
    listing = get_object_or_404(Listing.objects.visible_to(request.user).with_page_data(), pk=pk)
    application = Application.objects.filter(student=request.user, listing=listing).first()
    if application is not None and application.status != S.SAVED:
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
    if form.is_valid():
        choice = form.cleaned_data["cv_choice"]
        cv_upload = form.cleaned_data["cv_upload"] if choice == form.CV_UPLOAD else None
        with service_errors(request, form):
            if application is None:
                application, _ = applications.application_save(
                    student=request.user, listing=listing
                )
            if request.POST.get("action") == "submit":
                application = applications.application_submit(
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
            applications.application_save_draft(
                application=application,
                cover_letter=form.cleaned_data["cover_letter"],
                cv_upload=cv_upload,
                version=form.cleaned_data["version"],
            )
            messages.success(request, "Draft saved. Come back to it any time before you send it.")
            return redirect("listings:application_apply", pk=listing.pk)
        # Refused. Sent meanwhile from another tab: show where it stands instead.
        current = Application.objects.filter(pk=getattr(application, "pk", None)).first()
        if current is not None and current.status != S.SAVED:
            messages.info(request, " ".join(form.non_field_errors()))
            return redirect("listings:application_detail", pk=current.pk)
    return render(request, "listings/application_apply.html", {**context, "form": form})


@require_POST
@student_required
def application_track_external(request, pk):
    listing = get_object_or_404(Listing.objects.public(), pk=pk)
    with service_errors(request):
        application = applications.application_track_external(student=request.user, listing=listing)
        messages.success(
            request, "Tracked as sent on the lab's site. Add notes and a follow-up date."
        )
        return redirect("listings:application_detail", pk=application.pk)
    return redirect(listing)


# -- tracker -----------------------------------------------------------------------


def _with_timeline(queryset):
    return queryset.prefetch_related(
        Prefetch("events", queryset=ApplicationEvent.objects.select_related("actor"))
    )


@require_safe
@student_required
def application_list(request):
    rows = list(
        _with_timeline(
            Application.objects.filter(student=request.user)
            .select_related("listing__lab__institution")
            .prefetch_related("interviews")
        ).order_by("-updated_at", "-id")
    )
    by_group = {}
    for application in rows:
        by_group.setdefault(tracker_group(application), []).append(application)
    groups = [(key, label, by_group[key]) for key, label in TRACKER_GROUPS if key in by_group]
    due = [application for application in rows if application.follow_up_due]
    return render(
        request,
        "listings/application_list.html",
        {
            "groups": groups,
            "total": len(rows),
            "due": due,
            "calendar_feed": CalendarFeed.objects.filter(student=request.user).first(),
        },
    )


@student_required
def application_withdraw(request, pk):
    application = own_application(request, pk)
    if request.method == "POST":
        with service_errors(request):
            applications.application_withdraw(application=application, by=request.user)
            messages.success(request, "Application withdrawn. The lab will not consider it.")
        return redirect("listings:application_detail", pk=application.pk)
    if not application.can_withdraw:
        messages.info(request, "Only a sent application that is not yet decided can be withdrawn.")
        return redirect("listings:application_detail", pk=application.pk)
    return render(request, "listings/application_withdraw.html", {"application": application})


@require_POST
@student_required
def lab_inquiry(request, slug):
    lab = get_object_or_404(Lab.objects.filter(approved=True), slug=slug)
    form = InquiryForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Write a message of at most 2,000 characters.")
        return redirect(lab)
    with service_errors(request):
        inquiries.inquiry_send(student=request.user, lab=lab, message=form.cleaned_data["message"])
        messages.success(
            request, f"Sent to {lab.name}. They reply to your email address, {request.user.email}."
        )
    return redirect(lab)


# -- saved searches ----------------------------------------------------------------


@require_safe
@student_required
def saved_search_list(request):
    return render(
        request,
        "listings/saved_search_list.html",
        {
            "searches": SavedSearch.objects.filter(student=request.user),
            "frequencies": AlertFrequency.choices,
            "email_verified": has_verified_email(request.user),
        },
    )


@require_POST
@student_required
def saved_search_create(request):
    """Save the search the student is looking at. The search page's script asks for
    JSON and stays on the results; without it, the saved searches come next."""
    form = SavedSearchForm(request.POST)
    if not form.is_valid():
        errors = " ".join(str(error) for errors in form.errors.values() for error in errors)
        text = "That search could not be saved: " + errors
        if _wants_json(request):
            return JsonResponse({"saved": False, "message": text}, status=422)
        messages.error(request, text)
        return redirect("listings:listing_list")
    params = QueryDict(form.cleaned_data["query"])
    with service_errors(request):
        saved, created = saved_searches.saved_search_create(
            student=request.user,
            params=params,
            name=form.cleaned_data["name"],
            frequency=form.cleaned_data["frequency"],
        )
        if created:
            text = f"Saved the search “{saved.name}”: {saved.get_frequency_display().lower()}."
        else:
            text = f"You already saved this search as “{saved.name}”."
        if _wants_json(request):
            return JsonResponse({"saved": True, "created": created, "message": text})
        messages.add_message(request, messages.SUCCESS if created else messages.INFO, text)
        return redirect("listings:saved_search_list")
    if _wants_json(request):  # refused by the service: its message was queued for the page
        text = " ".join(str(m) for m in messages.get_messages(request))
        return JsonResponse({"saved": False, "message": text}, status=422)
    return redirect(reverse("listings:listing_list") + "?" + params.urlencode())


@require_POST
@student_required
def saved_search_update(request, pk):
    saved = get_object_or_404(SavedSearch, pk=pk, student=request.user)
    with service_errors(request):
        saved_searches.saved_search_set_frequency(
            saved=saved, frequency=request.POST.get("frequency", "")
        )
        messages.success(request, f"“{saved.name}”: {saved.get_frequency_display().lower()}.")
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
    saved = saved_searches.saved_search_for_token(token)
    if saved is None:
        raise Http404("This unsubscribe link is not valid, or its saved search was deleted.")
    if request.method == "POST":
        saved_searches.saved_search_stop_emails(saved=saved)
        return render(request, "listings/saved_search_unsubscribed.html", {"saved": saved})
    return render(request, "listings/saved_search_unsubscribe.html", {"saved": saved})
