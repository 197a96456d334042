"""Listings for one student, and listings like one listing, each with the reasons that
make it a match. Reads only, in a fixed number of queries.

For a student: open listings (published, not expired, deadline not passed) open to
their program, asking for no certification they lack and no more hours than they
can give, that they have neither saved nor applied to; scored by the role types of
what they saved and applied to, their city and how new the listing is. Each reason
shown is a fact about the listing and the profile, never a guess."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from accounts.models import StudentProfile

from .models import Application, Listing

CANDIDATES = 300  # newest fitting listings scored; enough for a home page's worth
FOR_YOU = 6
SIMILAR = 4


@dataclass
class Recommendation:
    listing: Listing
    reasons: list[str] = field(default_factory=list)
    score: float = 0.0


def _open_listings():
    today = timezone.localdate()
    return Listing.objects.public().filter(Q(deadline__isnull=True) | Q(deadline__gte=today))


def _fitting(profile: StudentProfile, held: set[int]):
    """Open listings this student may apply to as they are."""
    lacking = Listing.certifications.through.objects.filter(listing_id=OuterRef("pk")).exclude(
        certification_id__in=held
    )
    listings = (
        _open_listings()
        .filter(levels__contains=[profile.program])
        .exclude(Exists(lacking))
        .exclude(applications__student_id=profile.user_id)
    )
    if profile.hours_per_week:
        listings = listings.filter(hours_min__lte=profile.hours_per_week)
    return listings


def recommended_for(user, *, limit: int = FOR_YOU) -> list[Recommendation]:
    """The best open listings for a signed-in student, with their reasons, in at most
    eight queries whatever the numbers: the profile and its certifications (three),
    past applications, the candidates and their certifications, the cards (two)."""
    profile = (
        StudentProfile.objects.filter(user=user)
        .prefetch_related("held_certifications__certification")
        .first()
    )
    if profile is None:
        return []
    held = {c.certification_id: c.certification.name for c in profile.held_certifications.all()}
    past = list(
        Application.objects.filter(student=user)
        .select_related("listing")
        .only("listing__title", "listing__facet_role_type_ids", "status")
        .order_by("-updated_at")
    )
    liked_roles = Counter(role for a in past for role in a.listing.facet_role_type_ids)
    liked_title = {  # the newest application with each role type: its title, in words
        role: f"“{a.listing.title}”, which you {'saved' if a.is_saved else 'applied to'}"
        for a in reversed(past)
        for role in a.listing.facet_role_type_ids
    }
    city = profile.city.strip().casefold()
    candidates = list(
        _fitting(profile, set(held))
        .select_related("lab")
        .prefetch_related("certifications")
        .only(
            "title",
            "facet_role_type_ids",
            "hours_min",
            "hours_max",
            "published_at",
            "levels",
            "lab__city",
            "lab__name",
        )  # fmt: skip
        .order_by("-published_at", "-id")[:CANDIDATES]
    )
    label = profile.get_program_display()  # "Medical student, year 1 (MS1)": "MS1"
    program = label[label.find("(") + 1 : -1] if label.endswith(")") else label
    scored = []
    for rank, listing in enumerate(candidates):
        reasons, score = [], 1.0 - rank / (2 * CANDIDATES)  # newer first, all else equal
        shared = [role for role in listing.facet_role_type_ids if role in liked_roles]
        if shared:
            score += 3 + min(sum(liked_roles[role] for role in shared), 3)
            reasons.append(f"like {liked_title[shared[0]]}")
        if city and listing.lab.city.casefold() == city:
            score += 2
            reasons.append(f"in {listing.lab.city}")
        needed = [held[c.pk] for c in listing.certifications.all()]
        if needed:
            score += 1
            reasons.append(f"you hold {', '.join(needed)}")
        if profile.hours_per_week:
            reasons.append(f"fits {profile.hours_per_week} h a week")
        reasons.append(f"open to {program}")
        scored.append(Recommendation(listing, reasons, score))
    scored.sort(key=lambda r: -r.score)
    best = scored[:limit]
    cards = Listing.objects.with_card_data().in_bulk([r.listing.pk for r in best])
    for recommendation in best:
        recommendation.listing = cards[recommendation.listing.pk]
    return best


def similar_to(listing: Listing, *, limit: int = SIMILAR) -> list[Listing]:
    """Open listings like this one (also shown on a closed or expired listing): they
    share a role type; those sharing more, in the same city or institution, or with
    title words in common come first (one query for the candidates, two for the
    cards)."""
    if not listing.facet_role_type_ids:
        return []
    candidates = list(
        _open_listings()
        .filter(facet_role_type_ids__overlap=listing.facet_role_type_ids)
        .exclude(pk=listing.pk)
        .select_related("lab")
        .only("title", "facet_role_type_ids", "lab__city", "lab__institution_id")
        .order_by("-published_at", "-id")[:CANDIDATES]
    )
    words = set(listing.title.casefold().split())
    roles = set(listing.facet_role_type_ids)

    def score(other: Listing) -> float:
        return (
            len(roles & set(other.facet_role_type_ids))
            + (other.lab.city == listing.lab.city)
            + (other.lab.institution_id == listing.lab.institution_id)
            + 0.5 * len(words & set(other.title.casefold().split()))
        )

    best = sorted(candidates, key=score, reverse=True)[:limit]
    cards = Listing.objects.with_card_data().in_bulk([other.pk for other in best])
    return [cards[other.pk] for other in best]
