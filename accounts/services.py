"""Account writes that touch several rows or files."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from . import hooks
from .models import StudentProfile


def _delete_file_after_commit(storage, name: str) -> None:
    """Remove a stored file once the rows that named it are gone for good."""
    if name:
        transaction.on_commit(lambda: storage.delete(name), robust=True)


def student_profile_save(*, form, certifications, user) -> StudentProfile:
    """Save the profile form and its certifications formset; store a new CV, if one
    was uploaded, under an unguessable name and delete the one it replaces.

    All or nothing: if a row fails to save, the new file is removed from storage too.
    """
    profile = form.instance
    profile.user = user
    upload = form.cleaned_data.get("cv_upload")
    storage = profile.cv.storage
    old_cv = profile.cv.name if upload else ""
    stored = ""
    try:
        with transaction.atomic():
            if upload:
                upload_file, filename = upload
                profile.cv.save(filename, upload_file, save=False)
                stored = profile.cv.name
                profile.cv_filename = filename
                profile.cv_uploaded_at = timezone.now()
            form.save()
            certifications.instance = profile
            certifications.save()
            _delete_file_after_commit(storage, old_cv)
    except Exception:
        if stored:
            storage.delete(stored)
        raise
    return profile


@transaction.atomic
def account_delete(*, user) -> None:
    """Delete a student's account and personal data.

    Every app's handler runs first (`accounts.hooks`: listings anonymises sent
    applications and deletes saved ones); then the profile's CV file is deleted once
    this commits, and the user row goes with what cascades from it.
    """
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    hooks.announce(hooks.ACCOUNT_DELETING, user=user)
    profile = StudentProfile.objects.filter(user=user).first()
    if profile is not None:
        _delete_file_after_commit(profile.cv.storage, profile.cv.name)
    user.delete()  # profile, certifications, saved searches, email addresses cascade


def confirmation_resend(request, *, address: str) -> bool:
    """Send a new confirmation link to `address` if an account's address of that
    spelling is waiting for confirmation; allauth's "confirm_email" limit applies
    (ACCOUNT_RATE_LIMITS). Returns whether a mail went out (never shown to anyone)."""
    from allauth.account.internal.flows.email_verification import (
        send_verification_email_to_address,
    )
    from allauth.account.models import EmailAddress

    waiting = EmailAddress.objects.filter(email__iexact=address, verified=False).first()
    if waiting is None:
        return False
    return send_verification_email_to_address(request, waiting)
