"""Labs and their staff. Joining a listed lab from an address on one of its email
domains makes one its staff once the address is confirmed; from any other address it
is a request that the lab's staff (or a moderator) approve or decline. A new lab asked
for at sign-up waits for an admin, and its founder with it. Staff may remove members.
Every change is a LabStaffEvent (who, from, to, why, when)."""

from __future__ import annotations

from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import LabStaffProfile, Membership
from accounts.permissions import has_verified_email
from listings.models import Lab

from . import ServiceError, notifications

MODERATE_PERMISSION = "listings.moderate_listing"


def email_domain_matches(email: str, domains) -> bool:
    """ "ana@med.uni.edu" is on "uni.edu" and on "med.uni.edu", not on "ni.edu"."""
    domain = email.rsplit("@", 1)[-1].lower().strip()
    return any(
        domain == allowed or domain.endswith("." + allowed)
        for allowed in (d.lower().strip().lstrip("@") for d in domains)
        if allowed
    )


def _free_slug(name: str) -> str:
    base = slugify(name)[:60] or "lab"
    slug, n = base, 1
    while Lab.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def lab_staff_join(*, user, title: str, lab: Lab | None = None, new_lab: dict | None = None):
    """Ask to join `lab`, or ask for a new lab described by `new_lab` (name,
    institution, city), hidden until an admin approves it. The user is no lab's
    staff yet: see `lab_staff_address_confirmed` and `membership_approve`."""
    if (lab is None) == (new_lab is None):
        raise ServiceError("Choose your lab, or describe a new one, not both.")
    if lab is None:
        lab = Lab.objects.create(
            name=new_lab["name"], slug=_free_slug(new_lab["name"]),
            institution=new_lab["institution"], city=new_lab["city"], approved=False,
            requested_by=user,
        )  # fmt: skip
        status, reason = Membership.UNCONFIRMED, "Asked for this new lab at sign-up."
    elif email_domain_matches(user.email, lab.email_domains):
        status, reason = Membership.UNCONFIRMED, "Joined at sign-up, on the lab's email domain."
    else:
        status, reason = Membership.REQUESTED, "Asked to join at sign-up."
    profile = LabStaffProfile.objects.create(user=user, lab=lab, title=title, status=status)
    profile.record(by=user, reason=reason)
    return profile


@transaction.atomic
def lab_staff_address_confirmed(*, user, email: str) -> None:
    """A user confirmed an address (accounts.hooks). On their lab's email domain, an
    approved lab's membership becomes active; a request to join is announced to the
    lab's staff, once."""
    profile = (
        LabStaffProfile.objects.select_for_update(of=("self",))
        .select_related("lab", "user")
        .filter(user=user, status__in=[Membership.REQUESTED, Membership.UNCONFIRMED])
        .first()
    )
    if profile is None or not profile.lab.approved:
        return
    if email_domain_matches(email, profile.lab.email_domains):
        profile.approve(by=None, reason=f"Confirmed {email}, on the lab's email domain.")
        return
    if profile.is_requested and profile.request_announced_at is None:
        LabStaffProfile.objects.filter(pk=profile.pk).update(request_announced_at=timezone.now())
        notifications.membership_requested(profile)


def _require_lab_authority(profile: LabStaffProfile, by) -> None:
    """The lab's own active staff, or a moderator, may decide on its members."""
    if by.is_active and by.is_admin and by.has_perm(MODERATE_PERMISSION):
        return
    own = LabStaffProfile.objects.filter(user=by, lab_id=profile.lab_id).first()
    if own is None or not own.is_lab_staff:
        raise PermissionDenied("Only this lab's staff or a moderator decide on its members.")


def _locked(profile: LabStaffProfile) -> LabStaffProfile:
    return (
        LabStaffProfile.objects.select_for_update(of=("self",))
        .select_related("lab", "user")
        .get(pk=profile.pk)
    )


@transaction.atomic
def membership_approve(*, profile: LabStaffProfile, by) -> LabStaffProfile:
    """Make a requester (or a new lab's founder) the lab's staff; they are emailed."""
    _require_lab_authority(profile, by)
    profile = _locked(profile)
    if not has_verified_email(profile.user):
        raise ServiceError(
            f"{profile.user.email} has not confirmed their address yet; approve them once "
            "they have."
        )
    profile.approve(by=by)
    notifications.membership_decided(profile)
    return profile


@transaction.atomic
def membership_decline(*, profile: LabStaffProfile, by, reason: str = "") -> LabStaffProfile:
    _require_lab_authority(profile, by)
    profile = _locked(profile)
    profile.decline(by=by, reason=reason)
    notifications.membership_decided(profile)
    return profile


@transaction.atomic
def membership_remove(*, profile: LabStaffProfile, by, reason: str = "") -> LabStaffProfile:
    """Take someone off the lab's staff (not oneself: another member or a moderator
    does that, so a lab is never left by accident)."""
    _require_lab_authority(profile, by)
    if profile.user_id == by.pk:
        raise ServiceError("You cannot remove yourself; ask another member of the lab.")
    profile = _locked(profile)
    profile.remove(by=by, reason=reason)
    return profile


@transaction.atomic
def labs_approve(*, labs, by) -> int:
    """An admin approves labs asked for at sign-up; their founders become their staff.
    Returns how many labs were approved."""
    to_approve = list(Lab.objects.select_for_update().filter(pk__in=[lab.pk for lab in labs],
                                                             approved=False))  # fmt: skip
    for lab in to_approve:
        Lab.objects.filter(pk=lab.pk).update(approved=True)
        LogEntry.objects.log_actions(
            user_id=by.pk, queryset=[lab], action_flag=CHANGE, change_message="Approved the lab."
        )
        founders = LabStaffProfile.objects.filter(
            lab=lab, user_id=lab.requested_by_id, status=Membership.UNCONFIRMED
        )
        for founder in founders.select_related("lab"):
            founder.approve(by=by, reason="The lab was approved.")
    return len(to_approve)


@transaction.atomic
def lab_settings_update(*, form, profile) -> Lab:
    """Save the lab's settings form (its staff only: the views' gate sees to that)."""
    if not profile.is_lab_staff:
        raise PermissionDenied("Only the lab's staff can change its settings.")
    return form.save()
