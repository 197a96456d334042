"""Students follow labs: following and unfollowing (also by the signed link in every
email), and the email to each follower when the lab publishes a listing. That email
goes out from the queue (`notify_lab_followers`, deferred in the publishing
transaction), so publishing never waits for a lab with many followers."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.core import signing
from django.db import transaction
from django.db.models import Exists, OuterRef
from procrastinate.contrib.django import app

from listings.models import Lab, LabFollow, Listing

from . import ServiceError, notifications


def lab_follow(*, student, lab: Lab) -> tuple[LabFollow, bool]:
    """Follow a lab (following twice finds the first: one row per student and lab)."""
    if not lab.approved:
        raise ServiceError("Only labs listed on LabJobs can be followed.")
    return LabFollow.objects.get_or_create(student=student, lab=lab)


def lab_unfollow(*, student, lab: Lab) -> bool:
    return LabFollow.objects.filter(student=student, lab=lab).delete()[0] > 0


def follow_for_token(token: str) -> LabFollow | None:
    """The follow named by the signed link in an email; None when the link is forged
    or damaged, or the student stopped following since."""
    try:
        pk = signing.loads(token, salt=notifications.UNFOLLOW_SALT)
    except signing.BadSignature:
        return None
    return LabFollow.objects.select_related("lab", "student").filter(pk=pk).first()


def lab_followers_on_publish(listing: Listing) -> None:
    """Call in the transaction that publishes `listing` for the first time: its
    followers' emails are queued with it (and not at all if it rolls back)."""
    if LabFollow.objects.filter(lab_id=listing.lab_id).exists():
        notify_lab_followers.defer(listing_id=listing.pk)


def lab_followers_notify(*, listing_id: int) -> int:
    """Email the lab's followers (active, with a confirmed address) about a listing it
    published, if it is still open. Returns how many were emailed."""
    listing = Listing.objects.public().with_card_data().filter(pk=listing_id).first()
    if listing is None:
        return 0  # closed or withdrawn before the queue got to it
    verified = EmailAddress.objects.filter(
        user=OuterRef("student"), email__iexact=OuterRef("student__email"), verified=True
    )
    follows = (
        LabFollow.objects.filter(lab_id=listing.lab_id, student__is_active=True)
        .filter(Exists(verified))
        .select_related("student")
    )
    sent = 0
    for follow in follows:
        with transaction.atomic():
            notifications.new_listing_to_follower(follow, listing)
        sent += 1
    return sent


@app.task(name="listings.notify_lab_followers", queue="mail")
def notify_lab_followers(*, listing_id: int) -> None:
    lab_followers_notify(listing_id=listing_id)
