"""Labs and their staff: joining a lab at sign-up (or asking for a new one, hidden
until an admin approves it), and the lab's own settings."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.text import slugify

from accounts.models import LabStaffProfile
from listings.models import Lab

from . import ServiceError


def _free_slug(name: str) -> str:
    base = slugify(name)[:60] or "lab"
    slug, n = base, 1
    while Lab.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def lab_staff_join(*, user, title: str, lab: Lab | None = None, new_lab: dict | None = None):
    """Make `user` staff of `lab`, or of a new lab described by `new_lab` (name,
    institution, city) that stays hidden until an admin approves it."""
    if (lab is None) == (new_lab is None):
        raise ServiceError("Choose your lab, or describe a new one, not both.")
    if lab is None:
        lab = Lab.objects.create(
            name=new_lab["name"], slug=_free_slug(new_lab["name"]),
            institution=new_lab["institution"], city=new_lab["city"], approved=False,
            requested_by=user,
        )  # fmt: skip
    return LabStaffProfile.objects.create(user=user, lab=lab, title=title)


@transaction.atomic
def lab_settings_update(*, form, profile) -> Lab:
    """Save the lab's settings form; only verified staff may."""
    if not profile.verified:
        raise PermissionDenied("Only verified staff can change the lab's settings.")
    return form.save()
