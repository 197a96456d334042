"""Every public and student-facing page, in Chromium, on a 390 x 844 phone and a
1366 x 900 screen, in the light and the dark colour scheme (and on a 320 px phone):
none is wider than its screen, and axe finds no violation of any impact (contrast
included). (That the search page's first result is on a phone's first screen is in
test_search_in_browser.)

Set LABJOBS_SCREENSHOTS to a folder to keep a screenshot of each page as walked."""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from listings.models import LabFollow
from listings.search.suggest import refresh_search_words
from listings.services import applications as application_services
from listings.services.notifications import unfollow_url, unsubscribe_url
from tests.support.browser import accessibility_violations, log_in, too_wide
from tests.support.factories import (
    ApplicationFactory,
    ClosedListingFactory,
    InterviewFactory,
    LabStaffFactory,
    PublishedListingFactory,
    SavedSearchFactory,
    StudentFactory,
    SubmittedApplicationFactory,
    role_type,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("migration_data")]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
SMALL_PHONE = {"width": 320, "height": 640}
SCREENSHOTS = os.environ.get("LABJOBS_SCREENSHOTS", "")


@pytest.fixture
def site():
    """A board with a student in every stage: a bookmark, a draft, an application under
    review with messages, an interview with its invitation, an offer, a saved search."""
    staff = LabStaffFactory()
    lab = staff.lab_staff_profile.lab
    student = StudentFactory(first_name="Jordan", last_name="Lee")
    phlebotomist = role_type("phlebotomist")
    listings = [
        PublishedListingFactory(
            lab=lab,
            title=f"Student Phlebotomist {n}",
            role_types=[phlebotomist],
            description="**What you will do**\n\nDraw blood at the outpatient clinic.",
        )  # fmt: skip
        for n in range(6)
    ]
    closed = ClosedListingFactory(lab=lab, title="Histology technician (closed)")
    ApplicationFactory(student=student, listing=listings[0])
    draft = ApplicationFactory(student=student, listing=listings[1], cover_letter="Dear lab,")
    reviewing = SubmittedApplicationFactory(student=student, listing=listings[2])
    application_services.application_move(
        application=reviewing, move="start_review", by=staff, note="Reading it this week."
    )
    application_services.application_message_send(
        application=reviewing, sender=staff, body="Could you start in January?"
    )
    interview = SubmittedApplicationFactory(student=student, listing=listings[3])
    interview.invite_to_interview(by=staff)
    InterviewFactory(application=interview)
    offer = SubmittedApplicationFactory(student=student, listing=listings[4])
    offer.make_offer(by=staff)
    saved_search = SavedSearchFactory(student=student)
    follow = LabFollow.objects.create(student=student, lab=lab)
    refresh_search_words()
    return {
        "student": student,
        "public": [
            ("home", "/"),
            ("search", "/listings/"),
            ("search-filtered", "/listings/?q=phlebotomy&comp=paid&sort=newest"),
            ("search-nothing", "/listings/?q=zxqv"),
            ("listing", listings[5].get_absolute_url()),
            ("listing-closed", closed.get_absolute_url()),
            ("lab", lab.get_absolute_url()),
            ("login", reverse("account_login")),
            ("signup", reverse("account_signup")),
            ("signup-staff", reverse("listings:staff_signup")),
            ("password-reset", reverse("account_reset_password")),
            ("verify-sent", reverse("account_email_verification_sent")),
            ("unsubscribe", urlsplit(unsubscribe_url(saved_search)).path),
            ("unfollow-link", urlsplit(unfollow_url(follow)).path),
            ("not-found", "/listings/999999/"),
        ],
        "student_pages": [
            ("home-student", "/"),
            ("search-student", "/listings/?q=phlebotomist"),
            ("listing-student", listings[5].get_absolute_url()),
            ("listing-closed-student", closed.get_absolute_url()),
            ("lab-student", lab.get_absolute_url()),
            ("tracker", reverse("listings:application_list")),
            ("application-reviewing", reverse("listings:application_detail", args=[reviewing.pk])),
            ("application-interview", reverse("listings:application_detail", args=[interview.pk])),
            ("application-offer", reverse("listings:application_detail", args=[offer.pk])),
            ("apply-draft", reverse("listings:application_apply", args=[draft.listing.pk])),
            ("withdraw", reverse("listings:application_withdraw", args=[reviewing.pk])),
            ("saved-searches", reverse("listings:saved_search_list")),
            ("profile", reverse("accounts:profile")),
            ("emails", reverse("account_email")),
            ("password", reverse("account_change_password")),
        ],
    }


def _walk(page, base, pages, label, failures):
    for name, path in pages:
        response = page.goto(f"{base}{path}")
        expected = 404 if name == "not-found" else 200
        if response.status != expected:
            failures.append(f"{label} {name} {path}: HTTP {response.status}")
            continue
        page.wait_for_load_state("networkidle")
        if page.evaluate("document.documentElement.scrollWidth > window.innerWidth"):
            failures.append(f"{label} {name}: wider than the screen {too_wide(page)}")
        for problem in accessibility_violations(page):
            failures.append(f"{label} {name}: {problem}")
        if SCREENSHOTS:
            folder = Path(SCREENSHOTS)
            folder.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(folder / f"{name}-{label}.png"), full_page=True)


@pytest.mark.parametrize(
    ("screen", "viewport", "scheme"),
    [
        ("phone", PHONE, "light"), ("phone", PHONE, "dark"),
        ("desktop", DESKTOP, "light"), ("desktop", DESKTOP, "dark"),
        ("small-phone", SMALL_PHONE, "light"),  # the narrowest phones still sold
    ],
)  # fmt: skip
def test_every_page_fits_and_is_accessible(browser, live_server, site, scheme, screen, viewport):
    base = live_server.url
    label = f"{screen}-{scheme}"
    failures = []

    anonymous = browser.new_context(viewport=viewport, color_scheme=scheme).new_page()
    _walk(anonymous, base, site["public"], label, failures)
    student = log_in(browser, base, site["student"].email, viewport=viewport, color_scheme=scheme)
    _walk(student, base, site["student_pages"], label, failures)

    assert failures == [], "\n".join(failures)
