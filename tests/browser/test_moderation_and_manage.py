"""In a real browser: a moderator clears five pending listings with "Approve and next"
on a 1,366 px screen without scrolling sideways, one click each; the queue and the
review page pass axe; and lab staff's /manage/ pages fit a 390 px phone."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from listings.models import Listing
from tests.support.browser import (
    log_in,
    serious_accessibility_problems,
    too_wide,
    wider_than_the_screen,
)
from tests.support.factories import (
    LabStaffFactory,
    PendingListingFactory,
    PublishedListingFactory,
    StudentFactory,
    SubmittedApplicationFactory,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("migration_data")]
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def test_five_pending_listings_approved_one_click_each(browser, live_server, moderator):
    now = timezone.now()
    pending = [
        PendingListingFactory(
            title=f"Student research assistant, a long title about platelet biology {n}",
            submitted_at=now - timedelta(hours=10 - n),
        )
        for n in range(5)
    ]
    page = log_in(browser, live_server.url, moderator.email, admin=True, viewport=DESKTOP)
    expect(page.get_by_role("link", name="Pending review (5)").first).to_be_visible()
    page.get_by_role("link", name="Pending review (5)").first.click()
    assert not wider_than_the_screen(page)
    assert serious_accessibility_problems(page) == []  # the queue

    clicks = 1
    page.get_by_role("link", name=pending[0].title).click()
    for listing in pending:
        expect(page.get_by_role("heading", name=f"Review “{listing.title}”")).to_be_visible()
        assert not wider_than_the_screen(page)
        if listing is pending[0]:
            assert serious_accessibility_problems(page) == []  # the review page
        name = "Approve and publish" if listing is pending[-1] else "Approve and next"
        page.get_by_role("button", name=name).click()
        clicks += 1
    expect(page.get_by_text("0 pending review")).to_be_visible()  # back at the queue
    assert clicks == 6  # the queue's first title, then one click per listing
    assert set(Listing.objects.values_list("status", flat=True)) == {"published"}


def test_keys_move_through_the_queue(browser, live_server, moderator):
    first, second = (
        PendingListingFactory(title=title, submitted_at=timezone.now() - timedelta(hours=h))
        for title, h in (("First in line", 5), ("Second in line", 1))
    )
    page = log_in(browser, live_server.url, moderator.email, admin=True, viewport=DESKTOP)
    page.goto(f"{live_server.url}/admin/listings/listing/{first.pk}/moderate/")
    page.keyboard.press("n")  # skip
    expect(page.get_by_role("heading", name="Review “Second in line”")).to_be_visible()
    page.keyboard.press("a")  # approve: on to the one still waiting
    expect(page.get_by_role("heading", name="Review “First in line”")).to_be_visible()
    second.refresh_from_db()
    first.refresh_from_db()
    assert (first.status, second.status) == ("pending", "published")


def test_manage_pages_fit_a_phone(browser, live_server, lab):
    staff = LabStaffFactory(profile__lab=lab, email="manager@lab.example.edu")
    listing = PublishedListingFactory(
        lab=lab, title="Research assistant, platelet biology and thrombosis",
        expires_at=timezone.now() + timedelta(days=3),
    )  # fmt: skip
    student = StudentFactory(email="ana.longname-hyphenated@university.example.edu")
    application = SubmittedApplicationFactory(listing=listing, student=student)
    page = log_in(browser, live_server.url, staff.email, viewport=PHONE)
    for path in (
        "/manage/",
        "/manage/listings/new/",
        f"/manage/listings/{listing.pk}/",
        f"/manage/listings/{listing.pk}/applicants/",
        f"/manage/applicants/{application.pk}/",
        "/manage/members/",
        "/manage/lab/",
    ):
        page.goto(live_server.url + path)
        assert not wider_than_the_screen(page), (path, too_wide(page))
        assert serious_accessibility_problems(page) == [], path
