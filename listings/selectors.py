"""Reads that pages use beyond one QuerySet: a student's side of the listings on a
page, the home page's counts, a lab's applicants and members."""

from __future__ import annotations

from dataclasses import dataclass, replace

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.cache import caches
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from accounts.models import LabStaffProfile, Membership, StudentProfile

from .models import Application, ApplicationStatus, ListingStatus, RoleType

ROLE_COUNTS_KEY = "listings:home-role-counts:v1"


def student_applications_by_listing(user, listing_ids) -> dict[int, Application]:
    """The signed-in student's applications among these listings (one query), for
    Save/Saved buttons on cards."""
    if not (user.is_authenticated and user.is_student) or not listing_ids:
        return {}
    return {
        application.listing_id: application
        for application in Application.objects.filter(student=user, listing_id__in=listing_ids)
    }


def student_side_of_listing(user, listing) -> dict:
    """A signed-in student's side of a listing: their application and certification match."""
    if not (user.is_authenticated and user.is_student):
        return {}
    profile = StudentProfile.objects.for_match(user.pk)
    return {
        "application": student_applications_by_listing(user, [listing.pk]).get(listing.pk),
        "match": profile.certification_match(listing) if profile else None,
    }


def open_counts_by_role_type() -> dict[int, int]:
    """Open listings per role type, for the home page's tiles. Counting them visits
    every open listing (about 100 ms at 100,000), so the counts are kept for
    SEARCH_CACHE_SECONDS, like the search page's."""
    cached = settings.SEARCH_CACHE_SECONDS
    counts = caches["search"].get(ROLE_COUNTS_KEY) if cached else None
    if counts is None:
        open_listing = Q(
            listings__status=ListingStatus.PUBLISHED, listings__expires_at__gt=timezone.now()
        )
        counts = dict(
            RoleType.objects.annotate(n=Count("listings", filter=open_listing))
            .order_by()
            .values_list("pk", "n")
        )
        if cached:
            caches["search"].set(ROLE_COUNTS_KEY, counts, cached)
    return counts


def lab_applicants(listing):
    """A lab's listing with its required certifications, and its sent applications
    with what the pipeline and the export show (profiles, certifications held)."""
    listing = type(listing).objects.prefetch_related("certifications").get(pk=listing.pk)
    applications = (
        Application.objects.filter(listing=listing)
        .exclude(status=ApplicationStatus.SAVED)
        .select_related("student", "review")
        .prefetch_related(
            Prefetch(
                "student__student_profile",
                queryset=StudentProfile.objects.prefetch_related("held_certifications"),
            )
        )
    )
    return listing, applications


@dataclass
class LabMembers:
    staff: list
    requests: list  # asked to join, address confirmed: the lab decides
    waiting: list  # asked to join or on the domain, address not confirmed yet
    past: list  # declined or removed

    @property
    def requests_count(self) -> int:
        return len(self.requests)


def lab_members(lab) -> LabMembers:
    """A lab's memberships by where they stand, in one query (two with the history)."""
    confirmed = EmailAddress.objects.filter(
        user=OuterRef("user"), email__iexact=OuterRef("user__email"), verified=True
    )
    rows = list(
        LabStaffProfile.objects.filter(lab=lab)
        .select_related("user")
        .annotate(address_confirmed=Exists(confirmed))
        .order_by("user__last_name", "user__first_name", "user__email")
    )
    return LabMembers(
        staff=[m for m in rows if m.is_active],
        requests=[m for m in rows if m.is_requested and m.address_confirmed],
        waiting=[
            m for m in rows if m.is_unconfirmed or (m.is_requested and not m.address_confirmed)
        ],
        past=[m for m in rows if m.is_declined or m.is_removed],
    )


def is_staff_of(user, lab) -> bool:
    """Is `user` the lab's staff now (an active member of the approved lab)?"""
    return (
        user.is_authenticated
        and user.is_lab_staff
        and lab.approved
        and LabStaffProfile.objects.filter(user=user, lab=lab, status=Membership.ACTIVE).exists()
    )


@dataclass(frozen=True)
class ConversationEntry:
    """One line of an application's conversation: a status change (with the note the
    lab or student wrote), a message, or an interview invitation."""

    kind: str  # "status", "message" or "interview"
    at: object  # datetime
    from_lab: bool
    item: object  # the ApplicationEvent, ApplicationMessage or Interview
    new: bool = False  # not yet read by the viewer


def conversation(application, *, viewer_is_lab: bool) -> list[ConversationEntry]:
    """The application's status changes, messages and invitations in the order they
    happened (events, messages and interviews prefetched by the caller). The last
    entries from the other side, as many as the viewer's unread count, are `new`."""
    student_id = application.student_id
    entries = [
        ConversationEntry(
            "status",
            event.created_at,
            event.actor_id is None or event.actor_id != student_id,
            event,
        )
        for event in application.events.all()
    ]
    entries += [
        ConversationEntry("message", message.created_at, message.from_lab, message)
        for message in application.messages.all()
    ]
    entries += [
        ConversationEntry("interview", interview.created_at, True, interview)
        for interview in application.interviews.all()
    ]
    # An invitation and its status change happen together: the invitation comes after.
    order = {"status": 0, "interview": 1, "message": 2}
    entries.sort(key=lambda entry: (entry.at, order[entry.kind]))
    unread = application.unread_by_lab if viewer_is_lab else application.unread_by_student
    for index in range(len(entries) - 1, -1, -1):
        if unread <= 0:
            break
        if entries[index].from_lab != viewer_is_lab:
            entries[index] = replace(entries[index], new=True)
            unread -= 1
    return entries
