"""Saved searches and their alerts: saved from the search page, listed and deleted,
emailed with only what is new, once, with a one-click unsubscribe that works logged out."""

from datetime import timedelta

import pytest
from django.core import mail, signing
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from listings.models import Compensation, SavedSearch
from listings.services import scheduled
from listings.services.notifications import UNSUBSCRIBE_SALT, unsubscribe_url
from tests.support.factories import PublishedListingFactory, SavedSearchFactory, StudentFactory

pytestmark = pytest.mark.django_db


def test_save_this_search_from_the_search_page(client, student):
    client.force_login(student)
    page = client.get(reverse("listings:listing_list"), {"q": "phlebotomy", "comp": "paid"})
    assert "Save this search" in page.content.decode()

    query = "q=phlebotomy&comp=paid&page=3&city="
    first = client.post(
        reverse("listings:saved_search_create"), {"query": query, "frequency": "weekly"}
    )
    again = client.post(
        reverse("listings:saved_search_create"),
        {"query": "comp=paid&q=phlebotomy", "frequency": "daily"},
        follow=True,
    )

    assert first.url == reverse("listings:saved_search_list")
    saved = SavedSearch.objects.get()
    assert saved.query == "q=phlebotomy&comp=paid"  # fixed order, no paging, no empties
    assert (saved.name, saved.frequency) == ("phlebotomy · paid", "weekly")
    assert "already saved this search" in again.content.decode()
    listed = client.get(reverse("listings:saved_search_list")).content.decode()
    assert 'href="/listings/?q=phlebotomy&amp;comp=paid"' in listed


def test_a_search_with_invalid_filters_is_not_saved(client, student):
    client.force_login(student)
    response = client.post(
        reverse("listings:saved_search_create"),
        {"query": "hours_max=lots", "frequency": "daily"},
        follow=True,
    )
    assert "Fix the search" in response.content.decode()
    assert not SavedSearch.objects.exists()


def test_change_frequency_and_delete(client, student):
    saved = SavedSearchFactory(student=student)
    client.force_login(student)

    client.post(reverse("listings:saved_search_update", args=[saved.pk]), {"frequency": "weekly"})
    saved.refresh_from_db()
    assert saved.frequency == "weekly"
    bad = client.post(
        reverse("listings:saved_search_update", args=[saved.pk]), {"frequency": "hourly"}
    )
    assert bad.status_code == 302
    saved.refresh_from_db()
    assert saved.frequency == "weekly"

    client.post(reverse("listings:saved_search_delete", args=[saved.pk]))
    assert not SavedSearch.objects.exists()


# -- alerts -------------------------------------------------------------------------


@pytest.fixture
def saved_yesterday(student):
    return SavedSearchFactory(
        student=student,
        name="Paid phlebotomy",
        query="q=phlebotomy&comp=paid",
        alerted_up_to=timezone.now() - timedelta(days=1, minutes=5),
    )


def paid_phlebotomy(**extra):
    return PublishedListingFactory(
        title="Phlebotomist, weekend clinic",
        compensation=Compensation.PAID,
        pay_rate=18,
        **extra,
    )


def run_alerts(capture, **kwargs):
    with capture(execute=True):
        return scheduled.send_search_alerts(**kwargs)


def test_alert_sends_exactly_the_new_matching_listings_once(
    saved_yesterday, django_capture_on_commit_callbacks
):
    old = paid_phlebotomy(published_at=timezone.now() - timedelta(days=3))
    new = paid_phlebotomy(published_at=timezone.now() - timedelta(hours=2))
    PublishedListingFactory(title="Phlebotomist, volunteer")  # new, but not paid

    assert run_alerts(django_capture_on_commit_callbacks) == (1, 1)
    assert run_alerts(django_capture_on_commit_callbacks) == (0, 0)  # twice: nothing new

    [message] = mail.outbox
    assert message.to == [saved_yesterday.student.email]
    assert message.subject == '[LabJobs] 1 new for "Paid phlebotomy"'
    assert new.get_absolute_url() in message.body
    assert old.get_absolute_url() not in message.body
    assert "volunteer" not in message.body
    # The same link, up to its signature's timestamp (the mail may have been signed a
    # second before this line signs it again): one that unsubscribes this search
    header = message.extra_headers["List-Unsubscribe"]
    link = unsubscribe_url(saved_yesterday)
    prefix = link[: link.index("/unsubscribe/") + len("/unsubscribe/")]
    assert header.startswith(f"<{prefix}") and header.endswith("/>")
    token = header[len(prefix) + 1 : -2]
    assert signing.loads(token, salt=UNSUBSCRIBE_SALT) == saved_yesterday.pk
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Stop these emails" in message.alternatives[0][0]


def test_next_days_alert_has_only_what_came_after(
    saved_yesterday, django_capture_on_commit_callbacks
):
    paid_phlebotomy(published_at=timezone.now() - timedelta(hours=2))
    run_alerts(django_capture_on_commit_callbacks)
    later = paid_phlebotomy(published_at=timezone.now() + timedelta(hours=3))

    run_alerts(django_capture_on_commit_callbacks, now=timezone.now() + timedelta(days=1))

    assert len(mail.outbox) == 2
    assert later.get_absolute_url() in mail.outbox[1].body
    assert mail.outbox[1].body.count("/listings/") == 2  # the one listing, the search link


def test_weekly_search_is_not_due_after_a_day(saved_yesterday, django_capture_on_commit_callbacks):
    SavedSearch.objects.filter(pk=saved_yesterday.pk).update(frequency="weekly")
    paid_phlebotomy()
    assert run_alerts(django_capture_on_commit_callbacks) == (0, 0)
    assert run_alerts(
        django_capture_on_commit_callbacks, now=timezone.now() + timedelta(days=6)
    ) == (1, 1)


def test_no_alert_without_a_confirmed_address_or_with_emails_off(
    django_capture_on_commit_callbacks,
):
    long_ago = timezone.now() - timedelta(days=2)
    SavedSearchFactory(student=StudentFactory(verified_email=False), alerted_up_to=long_ago)
    SavedSearchFactory(frequency="never", alerted_up_to=long_ago)
    paid_phlebotomy()
    assert run_alerts(django_capture_on_commit_callbacks) == (0, 0)
    assert mail.outbox == []


def test_alert_lists_at_most_twenty_and_counts_the_rest(
    saved_yesterday, django_capture_on_commit_callbacks
):
    for _ in range(23):
        paid_phlebotomy()
    run_alerts(django_capture_on_commit_callbacks)
    [message] = mail.outbox
    assert message.subject.startswith("[LabJobs] 23 new")
    assert "and 3 more" in message.body


def test_command_prints_what_it_did(saved_yesterday, capsys):
    paid_phlebotomy()
    call_command("send_search_alerts")
    assert "Checked 1 due saved search(es); sent 1 email(s)." in capsys.readouterr().out


# -- unsubscribe --------------------------------------------------------------------


def test_unsubscribe_link_works_logged_out_with_a_confirmation(saved_yesterday):
    client = Client(enforce_csrf_checks=True)
    path = unsubscribe_url(saved_yesterday).split("8000", 1)[1]

    page = client.get(path)
    assert page.status_code == 200 and "Paid phlebotomy" in page.content.decode()
    saved_yesterday.refresh_from_db()
    assert saved_yesterday.frequency == "daily"  # a link scanner's GET changes nothing

    done = client.post(path)  # what the button, or a mail client's one-click, sends
    assert done.status_code == 200
    saved_yesterday.refresh_from_db()
    assert saved_yesterday.frequency == "never"
    assert client.post(path).status_code == 200  # twice is harmless


def test_forged_or_damaged_unsubscribe_links_are_404(client, saved_yesterday):
    path = unsubscribe_url(saved_yesterday).split("8000", 1)[1]
    assert client.get(path[:-3] + "xyz/").status_code == 404
    assert client.post(reverse("listings:saved_search_unsubscribe", args=["1"])).status_code == 404
    saved_yesterday.refresh_from_db()
    assert saved_yesterday.frequency == "daily"
