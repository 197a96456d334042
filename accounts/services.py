"""Account writes that touch several rows or files."""

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from .erasure import erase_everywhere
from .models import LabStaffProfile, StudentProfile


@transaction.atomic
def lab_staff_verify(*, profiles, by) -> int:
    """Verify the unverified lab staff among `profiles`; return how many were verified.

    One UPDATE for all of them, and an admin LogEntry for each verified account.
    """
    to_verify = list(
        LabStaffProfile.objects.filter(pk__in=[p.pk for p in profiles], verified=False)
        .select_for_update()
        .select_related("user", "lab")
    )
    if not to_verify:
        return 0
    LabStaffProfile.objects.filter(pk__in=[p.pk for p in to_verify]).update(
        verified=True, verified_at=timezone.now(), verified_by=by
    )
    LogEntry.objects.log_actions(
        user_id=by.pk, queryset=to_verify, action_flag=CHANGE, change_message="Verified lab staff."
    )
    return len(to_verify)


def _delete_file_after_commit(storage, name: str) -> None:
    """Remove a stored file once the rows that named it are gone for good."""
    if name:
        transaction.on_commit(lambda: storage.delete(name))


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

    Every app's eraser runs first (`accounts.erasure`: listings anonymises sent
    applications and deletes saved ones); then the profile's CV file is deleted once
    this commits, and the user row goes with what cascades from it.
    """
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    erase_everywhere(user=user)
    profile = StudentProfile.objects.filter(user=user).first()
    if profile is not None:
        _delete_file_after_commit(profile.cv.storage, profile.cv.name)
    user.delete()  # profile, certifications, saved searches, email addresses cascade


def email_domain_matches(email: str, domains) -> bool:
    """ "ana@med.uni.edu" is on "uni.edu" and on "med.uni.edu", not on "ni.edu"."""
    domain = email.rsplit("@", 1)[-1].lower().strip()
    return any(
        domain == allowed or domain.endswith("." + allowed)
        for allowed in (d.lower().strip().lstrip("@") for d in domains)
        if allowed
    )


@transaction.atomic
def lab_staff_auto_verify(*, user, email: str) -> bool:
    """Verify lab staff whose confirmed address is on their (approved) lab's email
    domain. Returns True when this verified them."""
    profile = (
        LabStaffProfile.objects.select_for_update(of=("self",))
        .select_related("lab")
        .filter(user=user, verified=False)
        .first()
    )
    if profile is None or not profile.lab.approved:
        return False
    if not email_domain_matches(email, profile.lab.email_domains):
        return False
    profile.verify(by=None)
    return True
