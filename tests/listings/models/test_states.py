"""Every legal and illegal listing and application move."""

import itertools
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from labjobs.errors import IllegalTransition
from listings.models import Application, ApplicationEvent, Listing, ListingEvent
from tests.support.factories import (
    ApplicationFactory,
    LabFactory,
    ListingFactory,
    PendingListingFactory,
)

pytestmark = pytest.mark.django_db

LISTING_METHOD_ARGS = {
    "submit": {},
    "withdraw_submission": {},
    "approve": {},
    "reject": {"reason": "Missing pay rate."},
    "close": {"reason": "Filled."},
    "expire": {},
    "renew": {},
}
LISTING_CASES = list(itertools.product(LISTING_METHOD_ARGS, Listing.Status.values))


def _listing_in(status, **lab_fields):
    dates = {}
    if status not in ("draft", "pending", "rejected"):
        dates = {"published_at": timezone.now(), "expires_at": timezone.now() + timedelta(days=5)}
    return ListingFactory(status=status, lab=LabFactory(**lab_fields), **dates)


@pytest.mark.parametrize(("method", "status"), LISTING_CASES)
def test_listing_transition(method, status, moderator):
    listing = _listing_in(status)
    transition = Listing.machine[method]
    legal = status in transition.sources
    if legal:
        getattr(listing, method)(by=moderator, **LISTING_METHOD_ARGS[method])
        listing.refresh_from_db()
        assert listing.status == transition.target
        event = ListingEvent.objects.get(listing=listing)
        assert (event.from_status, event.to_status) == (status, transition.target)
        assert event.actor == moderator
    else:
        with pytest.raises(IllegalTransition, match=f"Cannot {transition.verb}"):
            getattr(listing, method)(by=moderator, **LISTING_METHOD_ARGS[method])
        listing.refresh_from_db()
        assert listing.status == status
        assert not ListingEvent.objects.filter(listing=listing).exists()


def test_expected_legal_listing_moves_are_exactly_these():
    legal = {
        (name, source)
        for name, transition in ((move.name, move) for move in Listing.machine)
        for source in transition.sources
    }
    assert legal == {
        ("submit", "draft"),
        ("submit", "rejected"),
        ("publish_trusted", "draft"),
        ("publish_trusted", "rejected"),
        ("withdraw_submission", "pending"),
        ("approve", "pending"),
        ("reject", "pending"),
        ("close", "published"),
        ("expire", "published"),
        ("renew", "published"),
        ("renew", "expired"),
    }


def test_approve_sets_publication_dates(moderator, settings):
    listing = PendingListingFactory()
    listing.approve(by=moderator)
    listing.refresh_from_db()
    assert listing.published_at is not None
    lifetime = (listing.expires_at - listing.published_at).days
    assert lifetime == settings.LISTING_DEFAULT_LIFETIME_DAYS
    assert listing.is_public


def test_submit_of_trusted_lab_publishes_without_review(lab_staff):
    listing = _listing_in("draft", trusted=True)
    listing.submit(by=lab_staff)
    listing.refresh_from_db()
    assert listing.status == Listing.Status.PUBLISHED
    assert listing.is_public
    event = listing.events.get()
    assert (event.from_status, event.to_status) == ("draft", "published")
    assert "trusted" in event.reason


def test_reject_requires_a_reason(moderator):
    listing = PendingListingFactory()
    with pytest.raises(IllegalTransition, match="reason is required"):
        listing.reject(by=moderator, reason="   ")
    listing.refresh_from_db()
    assert listing.status == "pending"
    assert not listing.events.exists()


def test_reject_keeps_reason_for_the_poster(moderator):
    listing = PendingListingFactory()
    listing.reject(by=moderator, reason="  Please state the hourly rate.  ")
    listing.refresh_from_db()
    assert listing.rejection_reason == "Please state the hourly rate."
    assert listing.events.get().reason == "Please state the hourly rate."


def test_resubmitting_after_rejection_goes_back_to_review(moderator, lab_staff):
    listing = PendingListingFactory()
    listing.reject(by=moderator, reason="Too short.")
    listing.submit(by=lab_staff)
    listing.refresh_from_db()
    assert listing.status == "pending"
    assert [e.to_status for e in listing.events.all()] == ["rejected", "pending"]


def test_stale_copy_cannot_decide_twice(moderator):
    listing = PendingListingFactory()
    stale = Listing.objects.get(pk=listing.pk)
    listing.approve(by=moderator)
    with pytest.raises(IllegalTransition, match="changed meanwhile"):
        stale.reject(by=moderator, reason="Duplicate.")
    listing.refresh_from_db()
    assert listing.status == "published"
    assert listing.events.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_record_one_decision(migration_data, moderator):
    listing = PendingListingFactory()
    outcomes = []
    barrier = threading.Barrier(2)

    def approve():
        copy = Listing.objects.get(pk=listing.pk)
        barrier.wait()
        try:
            copy.approve(by=moderator)
            outcomes.append("approved")
        except IllegalTransition:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=approve) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["approved", "refused"]
    assert ListingEvent.objects.filter(listing=listing).count() == 1


def test_renew_extends_expiry(lab_staff):
    listing = _listing_in("expired")
    before = listing.expires_at
    listing.renew(by=lab_staff, days=30)
    listing.refresh_from_db()
    assert listing.status == "published"
    assert listing.expires_at > before
    assert listing.is_public


# -- applications -------------------------------------------------------------------
APPLICATION_CASES = list(
    itertools.product(
        [move.name for move in Application.machine if move.name != "submit"],
        Application.Status.values,
    )
)


@pytest.mark.parametrize(("method", "status"), APPLICATION_CASES)
def test_application_transition(method, status, lab_staff):
    application = ApplicationFactory(
        status=status, submitted_at=None if status == "saved" else timezone.now()
    )
    transition = Application.machine[method]
    if status in transition.sources:
        getattr(application, method)(by=lab_staff)
        application.refresh_from_db()
        assert application.status == transition.target
        event = ApplicationEvent.objects.get(application=application)
        assert (event.from_status, event.to_status, event.actor) == (
            status,
            transition.target,
            lab_staff,
        )
    else:
        with pytest.raises(IllegalTransition):
            getattr(application, method)(by=lab_staff)
        application.refresh_from_db()
        assert application.status == status
        assert not ApplicationEvent.objects.filter(application=application).exists()


@pytest.mark.parametrize("status", Application.Status.values)
def test_application_submit(status, student):
    application = ApplicationFactory(
        student=student, status=status, submitted_at=None if status == "saved" else timezone.now()
    )
    if status == "saved":
        application.submit(by=student)
        application.refresh_from_db()
        assert application.status == "submitted"
        assert application.submitted_at is not None
        assert application.events.get().to_status == "submitted"
    else:
        with pytest.raises(IllegalTransition):
            application.submit(by=student)


@pytest.mark.parametrize(
    "factory_name", ["PendingListingFactory", "ClosedListingFactory", "PastExpiryListingFactory"]
)
def test_application_cannot_be_submitted_to_a_listing_not_taking_applications(
    factory_name, student
):
    from tests.support import factories

    listing = getattr(factories, factory_name)()
    application = ApplicationFactory(student=student, listing=listing)
    with pytest.raises(IllegalTransition, match="not taking applications"):
        application.submit(by=student)
    application.refresh_from_db()
    assert application.status == "saved"
