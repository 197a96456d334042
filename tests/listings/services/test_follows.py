"""Following a lab: follow and unfollow on its page, the job queued when the lab
publishes a listing (approved, or a trusted lab's at once), one email per follower
with a confirmed address, and the one-click "stop following" link."""

from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from procrastinate.contrib.django.models import ProcrastinateJob

from listings.models import LabFollow
from listings.services import follows
from listings.services.listings import listing_approve, listing_submit
from listings.services.notifications import unfollow_url
from tests.support.factories import (
    ClosedListingFactory,
    LabStaffFactory,
    ListingFactory,
    PendingListingFactory,
    PublishedListingFactory,
    StudentFactory,
)

pytestmark = pytest.mark.django_db


def follower_jobs():
    return list(ProcrastinateJob.objects.filter(task_name="listings.notify_lab_followers"))


def test_a_student_follows_and_unfollows_a_lab_on_its_page(client, student, lab):
    client.force_login(student)
    page = lab.get_absolute_url()

    assert f"Follow {lab.name}" in client.get(page).content.decode()
    client.post(reverse("listings:lab_follow", args=[lab.slug]))
    client.post(reverse("listings:lab_follow", args=[lab.slug]))  # twice: one row

    assert LabFollow.objects.filter(student=student, lab=lab).count() == 1
    assert "You follow this lab" in client.get(page).content.decode()
    client.post(reverse("listings:lab_unfollow", args=[lab.slug]))
    assert not LabFollow.objects.exists()


def test_publishing_queues_the_followers_email_and_the_job_sends_one_each(lab, moderator):
    follower = StudentFactory()
    LabFollow.objects.create(student=follower, lab=lab)
    LabFollow.objects.create(student=StudentFactory(verified_email=False), lab=lab)
    gone = StudentFactory()
    LabFollow.objects.create(student=gone, lab=lab)
    gone.is_active = False
    gone.save()
    listing = PendingListingFactory(lab=lab, title="Flow cytometry RA")

    listing_approve(listing=listing, moderator=moderator)

    [job] = follower_jobs()
    assert job.args == {"listing_id": listing.pk}
    mail.outbox.clear()  # the poster's "approved" email
    assert follows.lab_followers_notify(listing_id=listing.pk) == 1
    [message] = mail.outbox
    assert message.to == [follower.email]
    assert message.subject == f"[LabJobs] New at {lab.name}: Flow cytometry RA"
    assert listing.get_absolute_url() in message.body
    unfollow = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert unfollow in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_trusted_labs_listing_queues_it_at_once_and_a_lab_without_followers_nothing(lab):
    lab.trusted = True
    lab.save()
    staff = LabStaffFactory(profile__lab=lab)
    quiet = ListingFactory(lab=lab)
    listing_submit(listing=quiet, profile=staff.lab_staff_profile)
    assert follower_jobs() == []

    LabFollow.objects.create(student=StudentFactory(), lab=lab)
    followed = ListingFactory(lab=lab, title="Histology aide")
    listing_submit(listing=followed, profile=staff.lab_staff_profile, confirm_duplicate=True)

    assert [job.args for job in follower_jobs()] == [{"listing_id": followed.pk}]


def test_a_listing_closed_before_the_queue_runs_emails_nobody(lab):
    LabFollow.objects.create(student=StudentFactory(), lab=lab)
    listing = ClosedListingFactory(lab=lab)

    assert follows.lab_followers_notify(listing_id=listing.pk) == 0
    assert mail.outbox == []


def test_the_emailed_link_stops_following_in_one_click_without_logging_in(lab):
    follow = LabFollow.objects.create(student=StudentFactory(), lab=lab)
    PublishedListingFactory(lab=lab)
    link = urlsplit(unfollow_url(follow)).path
    mail_client = Client(enforce_csrf_checks=True)  # a mail client's RFC 8058 POST

    assert "Stop following" in mail_client.get(link).content.decode()
    assert LabFollow.objects.exists()  # opening the link changes nothing
    response = mail_client.post(link, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200 and not LabFollow.objects.exists()
    assert mail_client.get(link).status_code == 404  # done: the link is spent
    assert mail_client.get(link[:-3] + "xx/").status_code == 404  # a forged one
