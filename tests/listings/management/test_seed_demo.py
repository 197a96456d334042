"""`seed_demo` gives a realistic demo, and running it twice changes nothing."""

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from listings.models import Application, Lab, Listing, ListingEvent, RoleType

pytestmark = pytest.mark.django_db


def _counts():
    return {
        "labs": Lab.objects.count(),
        "listings": Listing.objects.count(),
        "events": ListingEvent.objects.count(),
        "users": User.objects.count(),
        "applications": Application.objects.count(),
        "by_status": {s: Listing.objects.filter(status=s).count() for s in Listing.Status.values},
    }


def test_seed_demo_is_idempotent():
    call_command("seed_demo", verbosity=0)
    first = _counts()
    call_command("seed_demo", verbosity=0)
    assert _counts() == first


def test_seed_demo_content():
    call_command("seed_demo", verbosity=0)
    assert Lab.objects.count() == 10
    assert Lab.objects.values("institution").distinct().count() == 4
    assert Listing.objects.count() == 80
    for status in Listing.Status.values:
        assert Listing.objects.filter(status=status).exists(), status
    assert Listing.objects.public().count() >= 55
    for role in RoleType.objects.all():
        assert Listing.objects.public().filter(role_types=role).exists(), role
    assert Listing.objects.public().filter(deadline__isnull=True).exists()  # rolling
    assert Listing.objects.public().filter(compensation="paid", pay_rate__gt=0).exists()
    assert not Listing.objects.filter(description__icontains="lorem").exists()
    # Every state was reached through the real transitions, so each has its history.
    for listing in Listing.objects.exclude(status="draft"):
        assert listing.events.exists()
    for name in ("admin", "moderator", "staff", "student"):  # the README's demo accounts
        assert User.objects.get(email=f"{name}@labjobs.test").check_password(f"labjobs-{name}")
    assert User.objects.get(email="moderator@labjobs.test").has_perm("listings.moderate_listing")
    assert User.objects.get(email="staff@labjobs.test").lab_staff_profile.is_lab_staff


def test_seed_demo_refuses_production_settings(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="refuses to run with production settings"):
        call_command("seed_demo", verbosity=0)


def test_phlebotomy_on_the_demo_data_ranks_phlebotomist_listings_first(client):
    call_command("seed_demo", verbosity=0)
    response = client.get("/listings/", {"q": "phlebotomy"})
    listings = response.context["result"].listings
    phlebotomist = [
        any(role.slug == "phlebotomist" for role in listing.role_types.all())
        for listing in listings
    ]
    assert len(listings) >= 10
    assert all(phlebotomist[:10]), [listing.title for listing in listings[:10]]


def test_demo_accounts_can_log_in_and_the_student_has_a_tracker(client):
    call_command("seed_demo", verbosity=0)

    response = client.post(
        "/accounts/login/", {"login": "student@labjobs.test", "password": "labjobs-student"}
    )
    assert response.status_code == 302
    tracker = client.get("/applications/")
    groups = {key for key, _, _ in tracker.context["groups"]}
    assert groups == {"draft", "reviewing", "interview"}
    assert (
        "Tuesday at 10:00"
        in client.get(
            f"/applications/{Application.objects.get(status='interview').pk}/"
        ).content.decode()
    )
