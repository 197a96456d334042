"""/manage/listings/: a lab's staff write, submit, close, renew and clone their lab's
listings. Saving never loses work: a draft may be incomplete, and submitting from the
form saves its edits first (what is still missing is marked on the form).

Like every /manage/ view, each is behind `lab_staff_required` and finds the listing
within the staff member's own lab (`manage._own_listing`): another lab's is a 404."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from listings.forms import CloseForm, ListingForm
from listings.models import EDITABLE, ListingStatus
from listings.services import ServiceError, listings
from listings.services.listings import IncompleteListing

from .common import lab_staff_required, service_errors
from .manage import _own_listing


@lab_staff_required
def listing_create(request):
    if request.method == "POST":
        form = ListingForm(request.POST)
        if form.is_valid():
            with service_errors(request, form):
                listing, created = listings.listing_create(
                    form=form, profile=request.lab_staff, token=form.cleaned_data["form_token"]
                )
                if not created:
                    messages.info(
                        request, "This draft was already saved (the form was sent twice)."
                    )
                elif request.POST.get("action") == "submit":
                    return _save_and_submit(request, listing)
                else:
                    messages.success(request, "Draft saved. Preview it, then submit it for review.")
                return _after_save(request, listing)
            # Refused (the service said why): the same text, with a token of its own
            # for the next try.
            form.data = request.POST.copy()
            form.data["form_token"] = str(uuid.uuid4())
            context = {"form": form, "listing": None}
            return render(request, "listings/manage/listing_form.html", context, status=409)
    else:
        form = ListingForm(initial={"form_token": uuid.uuid4(), "levels": [], "schedules": []})
    return render(request, "listings/manage/listing_form.html", {"form": form, "listing": None})


def _after_save(request, listing):
    if request.POST.get("action") == "preview":
        return redirect(listing)  # the public page; a draft shows only to its lab
    return redirect("listings:manage_listing", pk=listing.pk)


@lab_staff_required
def listing_edit(request, pk):
    listing = _own_listing(request, pk)
    if listing.status not in EDITABLE:
        return render(request, "listings/manage/listing_status.html", _status_context(listing))
    if request.method == "POST":
        form = ListingForm(request.POST, instance=listing)
        if form.is_valid():
            with service_errors(request, form):
                listings.listing_update(
                    form=form, by=request.user, version=form.cleaned_data["version"] or ""
                )
                if request.POST.get("action") == "submit":
                    return _save_and_submit(request, listing)
                messages.success(request, "Changes saved.")
                return _after_save(request, listing)
    else:
        form = ListingForm(instance=listing, initial={"version": listing.updated_at.isoformat()})
    return render(
        request, "listings/manage/listing_form.html", {"form": form, **_status_context(listing)}
    )  # the panel leaves submitting to the form's own button: it saves the edits first


def _save_and_submit(request, listing):
    """After the form's edits are saved: submit them. A listing that still lacks
    something goes back to its form, saved, with each missing field marked."""
    try:
        duplicates = listings.listing_submit(listing=listing, profile=request.lab_staff)
    except IncompleteListing as incomplete:
        listing.refresh_from_db()
        data = request.POST.copy()
        data["version"] = listing.updated_at.isoformat()  # what was just saved
        form = ListingForm(data, instance=listing)
        form.is_valid()
        form.flag_missing(incomplete.missing)
        messages.warning(request, "Saved as a draft; not submitted yet.")
        context = {"form": form, "missing": incomplete.missing, **_status_context(listing)}
        return render(request, "listings/manage/listing_form.html", context, status=422)
    except ServiceError as error:
        messages.error(request, f"Your changes are saved; it was not submitted: {error.message}")
        return redirect("listings:manage_listing", pk=listing.pk)
    return _submitted(request, listing, duplicates)


def _submitted(request, listing, duplicates):
    if duplicates:
        shown = [d for d in duplicates if d.may_be_shown_to(listing.lab_id)]
        context = {"listing": listing, "duplicates": shown, "unseen": len(duplicates) - len(shown)}
        return render(request, "listings/manage/listing_duplicates.html", context, status=409)
    listing.refresh_from_db()
    if listing.status == ListingStatus.PUBLISHED:
        messages.success(request, "Published: your lab is trusted, so no review was needed.")
    else:
        messages.success(request, "Submitted for review. We email you when it is decided.")
    return redirect("listings:manage_listing", pk=listing.pk)


def _status_context(listing) -> dict:
    return {
        "listing": listing,
        "events": listing.events.select_related("actor"),
        "close_form": CloseForm(),
        "editing": listing.status in EDITABLE,
    }


@require_POST
@lab_staff_required
def listing_submit(request, pk):
    listing = _own_listing(request, pk)
    with service_errors(request):
        duplicates = listings.listing_submit(
            listing=listing,
            profile=request.lab_staff,
            confirm_duplicate=request.POST.get("confirm_duplicate") == "yes",
        )
        return _submitted(request, listing, duplicates)
    return redirect("listings:manage_listing", pk=listing.pk)


def _listing_action(action, success: str):
    """A POST that changes one of the lab's listings, then back to its page."""

    @require_POST
    @lab_staff_required
    def view(request, pk):
        listing = _own_listing(request, pk)
        with service_errors(request):
            action(request, listing)
            messages.success(request, success)
        return redirect("listings:manage_listing", pk=listing.pk)

    return view


listing_withdraw = _listing_action(
    lambda request, listing: listings.listing_withdraw_submission(listing=listing, by=request.user),
    "Taken back from review: it is a draft again.",
)
listing_close = _listing_action(
    lambda request, listing: listings.listing_close(
        listing=listing, by=request.user, reason=request.POST.get("reason", "")
    ),
    "Closed. It takes no more applications; its page stays, marked closed.",
)


@lab_staff_required
def listing_renew(request, pk):
    """The expiry email links here: GET shows what renewing does, POST renews."""
    listing = _own_listing(request, pk)
    if request.method == "POST":
        with service_errors(request):
            listings.listing_renew(listing=listing, by=request.user)
            until = timezone.localtime(listing.expires_at)
            messages.success(request, f"Renewed: it stays up until {until:%b %-d, %Y}.")
        return redirect("listings:manage_listing", pk=listing.pk)
    return render(request, "listings/manage/listing_renew.html", {"listing": listing})


@require_POST
@lab_staff_required
def listing_clone(request, pk):
    listing = _own_listing(request, pk)
    clone = listings.listing_clone(listing=listing, by=request.user)
    messages.success(request, "Cloned as a new draft. Set its dates, then submit it.")
    return redirect("listings:manage_listing", pk=clone.pk)
