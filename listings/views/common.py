"""What the views of every audience share: the one place where a service's refusal
becomes a message for the user, the lab-staff gate of /manage/, safe redirects back,
and posting to an application's thread."""

from __future__ import annotations

from contextlib import contextmanager
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.models import LabStaffProfile, Membership
from labjobs.errors import ServiceError
from listings.forms import MessageForm
from listings.services.applications import application_message_send

NEXT_MAX = 2000


@contextmanager
def service_errors(request, form=None):
    """Run a service call; if it refuses (ServiceError), say why: as the form's error
    when a form is given (the page shows it again), else as a message. Code after
    the call inside the block runs only when it succeeded."""
    try:
        yield
    except ServiceError as error:
        if form is not None:
            form.add_error(None, error.message)
        else:
            messages.error(request, error.message)


WAITING = {
    Membership.REQUESTED: "Your request to join {lab} is waiting for its staff (or a LabJobs "
    "moderator) to approve it. Until then you are not the lab's staff.",
    Membership.UNCONFIRMED: "You are not {lab}'s staff yet: confirm your address with the "
    "link we emailed you (on the lab's email domain, that is all it takes), or, for a new "
    "lab, wait for a LabJobs admin to approve it.",
    Membership.DECLINED: "{lab} did not take you on as staff.",
    Membership.REMOVED: "You are no longer staff of {lab}.",
}


def lab_staff_required(view):
    """The lab's staff only (an active member of an approved lab); sets
    `request.lab_staff` (their LabStaffProfile, with its lab). Anonymous visitors are
    sent to log in and brought back; everyone else gets 403, with what they are
    waiting for if they asked to join. Views then look every object up within
    `request.lab_staff.lab`, so another lab's listing or applicant is a 404."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        profile = (
            LabStaffProfile.objects.select_related("lab__institution").filter(user=user).first()
            if user.is_lab_staff
            else None
        )
        if profile is None:
            raise PermissionDenied("This page is for lab staff accounts.")
        if not profile.is_lab_staff:
            lab = profile.lab.name
            if profile.is_active:  # an active founder of a lab not approved (any more)
                raise PermissionDenied(f"{lab} is waiting for a LabJobs admin's approval.")
            raise PermissionDenied(WAITING[profile.status].format(lab=lab))
        request.lab_staff = profile
        return view(request, *args, **kwargs)

    return wrapper


def back(request, default: str) -> HttpResponseRedirect:
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


def post_message(request, application, *, sent: str) -> None:
    """Add the posted message to an application's thread (either side), with a message
    saying what happened."""
    form = MessageForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The message is empty or too long (at most 5,000 characters).")
        return
    with service_errors(request):
        application_message_send(
            application=application, sender=request.user, body=form.cleaned_data["body"]
        )
        messages.success(request, sent)
