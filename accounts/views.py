"""The student's own account pages: profile (with certifications and CV), the CV
download, and deleting the account. Sign-up, login, email and password pages are
django-allauth's (see labjobs/urls.py)."""

from django.contrib import messages
from django.contrib.auth import logout
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from . import services
from .adapter import VERIFY_ADDRESS, remember_verification
from .files import cv_response
from .forms import (
    AccountDeleteForm,
    StudentProfileForm,
    certification_formset,
)
from .models import StudentProfile
from .permissions import has_verified_email, student_required


@student_required
def profile(request):
    # A student added by an admin may have no profile yet; the form creates it.
    instance = StudentProfile.objects.filter(user=request.user).first() or StudentProfile(
        user=request.user
    )
    if request.method == "POST":
        form = StudentProfileForm(request.POST, request.FILES, instance=instance)
        certifications = certification_formset(request.POST, instance=instance)
        if form.is_valid() and certifications.is_valid():
            services.student_profile_save(
                form=form, certifications=certifications, user=request.user
            )
            messages.success(request, "Profile saved.")
            return redirect("accounts:profile")
        messages.error(request, "Please correct the fields marked below.")
    else:
        form = StudentProfileForm(instance=instance)
        certifications = certification_formset(instance=instance)
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "certifications": certifications,
            "profile": instance,
            "email_verified": has_verified_email(request.user),
        },
    )


@require_safe
@student_required
def profile_cv(request):
    """The student's own profile CV. Labs see the copy sent with each application."""
    profile = StudentProfile.objects.filter(user=request.user).first()
    if profile is None or not profile.cv:
        raise Http404("You have not uploaded a CV.")
    return cv_response(profile.cv, profile.cv_filename)


@student_required
def account_delete(request):
    if request.method == "POST":
        form = AccountDeleteForm(request.POST, user=request.user)
        if form.is_valid():
            user = request.user
            logout(request)
            services.account_delete(user=user)
            messages.success(
                request, "Your account and personal data are deleted. Thank you for using LabJobs."
            )
            return redirect("listings:home")
    else:
        form = AccountDeleteForm(user=request.user)
    return render(request, "accounts/account_delete.html", {"form": form})


@require_POST
def confirmation_resend(request):
    """The "Send the link again" button on the check-your-email page: to the address this
    session signed up or tried to log in with, while it waits for confirmation. The
    answer is the same whether or not it was sent (allauth's limit allows one every
    few minutes, and no page tells which addresses have accounts)."""
    address = request.session.get(VERIFY_ADDRESS, "")
    if address:
        services.confirmation_resend(request, address=address)
        remember_verification(request, address, reason="resent")
    messages.info(
        request,
        "If that address is waiting for confirmation, a new link is on its way. We send "
        "at most one every 3 minutes; each link works for 3 days.",
    )
    return redirect("account_email_verification_sent")
