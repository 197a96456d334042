"""Following a lab, a student's side: follow and unfollow on the lab's page, and the
one-click "stop following" link in every new-listing email (no login: the signed
token is the proof, as for saved-search alerts)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.permissions import student_required
from listings.models import Lab
from listings.services import follows

from .common import service_errors


@require_POST
@student_required
def lab_follow(request, slug):
    lab = get_object_or_404(Lab.objects.filter(approved=True), slug=slug)
    with service_errors(request):
        _, created = follows.lab_follow(student=request.user, lab=lab)
        if created:
            messages.success(request, f"Following {lab.name}: we email you each new listing.")
    return redirect(lab)


@require_POST
@student_required
def lab_unfollow(request, slug):
    lab = get_object_or_404(Lab.objects.filter(approved=True), slug=slug)
    if follows.lab_unfollow(student=request.user, lab=lab):
        messages.success(request, f"You no longer follow {lab.name}.")
    return redirect(lab)


# Mail clients' one-click unsubscribe POSTs without a CSRF token (RFC 8058).
@csrf_exempt
def lab_unfollow_link(request, token):
    follow = follows.follow_for_token(token)
    if follow is None:
        raise Http404("This link is not valid, or you no longer follow this lab.")
    if request.method == "POST":
        follows.lab_unfollow(student=follow.student, lab=follow.lab)
        return render(request, "listings/lab_unfollowed.html", {"lab": follow.lab})
    return render(request, "listings/lab_unfollow.html", {"lab": follow.lab})
