"""/manage/members/: a lab's staff see who is on it and who asks to join, approve or
decline requests (the email announcing a request links here) and remove members."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from accounts.models import LabStaffProfile
from listings.selectors import lab_members
from listings.services import labs

from .common import lab_staff_required, service_errors


@require_safe
@lab_staff_required
def member_list(request):
    lab = request.lab_staff.lab
    return render(
        request,
        "listings/manage/members.html",
        {"lab": lab, "members": lab_members(lab), "me": request.lab_staff},
    )


def _member_action(decide, done: str):
    """A POST deciding on one membership of the staff member's own lab."""

    @require_POST
    @lab_staff_required
    def view(request, pk):
        profile = get_object_or_404(
            LabStaffProfile.objects.select_related("user", "lab"),
            pk=pk,
            lab=request.lab_staff.lab,
        )
        with service_errors(request):
            decide(profile=profile, by=request.user)
            name = profile.user.get_full_name() or profile.user.email
            messages.success(request, done.format(name=name, lab=profile.lab.name))
        return redirect("listings:manage_members")

    return view


member_approve = _member_action(
    labs.membership_approve, "{name} is now staff of {lab}; we emailed them."
)
member_decline = _member_action(labs.membership_decline, "Declined {name}; we emailed them.")
member_remove = _member_action(labs.membership_remove, "{name} is no longer staff of {lab}.")
