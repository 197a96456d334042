"""`expire_listings` (idempotent, with a warning a week ahead) and students' inquiries
to labs that are open to them."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from listings.models import LabInquiry, Listing
from listings.search.suggest import refresh_search_words
from tests.support.factories import (
    LabFactory,
    LabStaffFactory,
    PublishedListingFactory,
    StudentFactory,
)

pytestmark = pytest.mark.django_db
NOW = datetime(2027, 3, 1, 7, 0, tzinfo=UTC)


def run_expiry(capture):
    with capture(execute=True):
        call_command("expire_listings", stdout=open("/dev/null", "w"))  # noqa: SIM115


@time_machine.travel(NOW, tick=False)
def test_expire_listings_is_safe_to_run_twice(lab, lab_staff, django_capture_on_commit_callbacks):
    past = PublishedListingFactory(lab=lab, title="Past", expires_at=NOW - timedelta(hours=1))
    soon = PublishedListingFactory(lab=lab, title="Soon", expires_at=NOW + timedelta(days=5))
    later = PublishedListingFactory(lab=lab, title="Later", expires_at=NOW + timedelta(days=20))

    run_expiry(django_capture_on_commit_callbacks)
    run_expiry(django_capture_on_commit_callbacks)

    for listing, status in [(past, "expired"), (soon, "published"), (later, "published")]:
        listing.refresh_from_db()
        assert listing.status == status
    assert past.events.filter(to_status="expired").count() == 1
    [warning] = mail.outbox  # once, for "Soon" only
    assert warning.to == [lab_staff.email]
    assert "Soon" in warning.subject
    renew = reverse("listings:manage_renew", args=[soon.pk])
    assert renew in warning.body


def test_renewing_re_arms_the_warning(lab, lab_staff, client, django_capture_on_commit_callbacks):
    soon = PublishedListingFactory(lab=lab, expires_at=timezone.now() + timedelta(days=3))
    run_expiry(django_capture_on_commit_callbacks)
    client.force_login(lab_staff)
    client.post(reverse("listings:manage_renew", args=[soon.pk]))
    soon.refresh_from_db()
    assert soon.expiry_warned_at is None

    with time_machine.travel(soon.expires_at - timedelta(days=2), tick=False):
        run_expiry(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2


def test_expired_listings_leave_search_feed_and_json_at_once(client, lab):
    listing = PublishedListingFactory(
        lab=lab,
        title="Zebrafish husbandry assistant",
        expires_at=timezone.now() + timedelta(days=1),
    )
    refresh_search_words()
    urls = ["/listings/?q=zebrafish", "/listings/feed/?q=zebrafish", "/api/listings/?q=zebrafish"]
    assert all("Zebrafish" in client.get(url).content.decode() for url in urls)

    with time_machine.travel(timezone.now() + timedelta(days=2)):
        # Not yet run by cron: past its date, it is already out of every public list.
        assert all("Zebrafish" not in client.get(url).content.decode() for url in urls)
        call_command("expire_listings", stdout=open("/dev/null", "w"))  # noqa: SIM115
        listing.refresh_from_db()
        assert listing.status == "expired"
        assert "has expired" in client.get(listing.get_absolute_url()).content.decode()


# -- inquiries ------------------------------------------------------------------------


@pytest.fixture
def open_lab():
    lab = LabFactory(open_to_inquiries=True, name="Okafor Hematology")
    LabStaffFactory(profile__lab=lab, email="pi@hematology.example.edu")
    return lab


def inquire(client, lab, message="I am an MS1 interested in platelet research."):
    return client.post(
        reverse("listings:lab_inquiry", args=[lab.slug]), {"message": message}, follow=True
    )


def test_inquiry_is_relayed_without_showing_the_labs_address(
    client, student, open_lab, django_capture_on_commit_callbacks
):
    client.force_login(student)
    page = client.get(open_lab.get_absolute_url()).content.decode()
    assert "Ask about working here" in page
    assert "pi@hematology.example.edu" not in page

    with django_capture_on_commit_callbacks(execute=True):
        response = inquire(client, open_lab)

    content = response.content.decode()
    assert "Sent to Okafor Hematology" in content
    assert "pi@hematology.example.edu" not in content
    [message] = mail.outbox
    assert message.to == ["pi@hematology.example.edu"]
    assert message.reply_to == [student.email]
    assert "platelet research" in message.body


def test_inquiry_limits_per_lab_and_per_day(client, student, open_lab):
    client.force_login(student)
    assert "Sent to" in inquire(client, open_lab).content.decode()
    again = inquire(client, open_lab)
    assert "in the last 30 days" in again.content.decode()

    for _ in range(2):
        assert "Sent to" in inquire(client, LabFactory(open_to_inquiries=True)).content.decode()
    fourth = inquire(client, LabFactory(open_to_inquiries=True))
    assert "3 labs a day" in fourth.content.decode()
    assert LabInquiry.objects.filter(student=student).count() == 3

    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        assert "Sent to" in inquire(client, LabFactory(open_to_inquiries=True)).content.decode()


def test_closed_to_inquiries_unverified_or_not_a_student_is_refused(client, open_lab, lab_staff):
    open_lab.open_to_inquiries = False
    open_lab.save()
    client.force_login(StudentFactory())
    assert "not taking inquiries" in inquire(client, open_lab).content.decode()

    open_lab.open_to_inquiries = True
    open_lab.save()
    client.force_login(StudentFactory(verified_email=False))
    assert "Confirm your email" in inquire(client, open_lab).content.decode()

    client.force_login(lab_staff)
    assert client.post(reverse("listings:lab_inquiry", args=[open_lab.slug])).status_code == 403
    assert not LabInquiry.objects.exists()


def test_lab_turns_inquiries_off_in_its_settings(client, lab, lab_staff):
    client.force_login(lab_staff)
    client.post(reverse("listings:manage_lab"), {"open_to_inquiries": "on", "description": ""})
    lab.refresh_from_db()
    assert lab.open_to_inquiries
    client.post(reverse("listings:manage_lab"), {"description": "We study platelets."})
    lab.refresh_from_db()
    assert not lab.open_to_inquiries and lab.description == "We study platelets."


def test_search_filters_to_labs_open_to_inquiries(client, open_lab):
    PublishedListingFactory(lab=open_lab, title="Open-door lab RA")
    PublishedListingFactory(title="Closed-door lab RA")

    response = client.get("/listings/", {"inquiries": "on"})

    titles = [listing.title for listing in response.context["result"].listings]
    assert titles == ["Open-door lab RA"]
    assert Listing.objects.public().count() == 2
