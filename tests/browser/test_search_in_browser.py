"""A student searches in a real browser, with JavaScript and without, and the pages
have no serious accessibility problems (axe-core)."""

import re

import pytest
from playwright.sync_api import expect

from listings.search.suggest import refresh_search_words
from tests.support.browser import serious_accessibility_problems
from tests.support.factories import PublishedListingFactory, role_type

# The live server needs committed data: transactional tests, with the migrations'
# rows put back after each flush.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("migration_data")]


@pytest.fixture
def listings():
    from decimal import Decimal

    phlebotomist = role_type("phlebotomist")
    for n in range(23):
        PublishedListingFactory(
            title=f"Student Phlebotomist {n:02d}",
            role_types=[phlebotomist],
            description="Draw blood at the outpatient clinic.",
            compensation="paid" if n % 2 else "volunteer",
            pay_rate=Decimal(15 + n) if n % 2 else None,
        )
    PublishedListingFactory(title="Data analyst", description="R and Python.")
    refresh_search_words()


def _open_filters(page):
    """Without JavaScript the filters panel starts closed at any width (a phone shows
    results first); a click on "Filters" opens it. With it, a wide screen opens it."""
    if not page.locator("details[data-filters]").evaluate("panel => panel.open"):
        page.locator("details[data-filters] > summary").click()


def _search_flow(page, base_url, *, javascript: bool):
    page.goto(f"{base_url}/listings/")
    expect(page.get_by_role("heading", name="Find a lab position")).to_be_visible()
    page.get_by_label("Keywords").fill("phlebotomy")
    if javascript:
        page.get_by_label("Keywords").press("Enter")
    else:
        page.get_by_role("button", name="Search").click()
    expect(page.locator("#results-title")).to_have_text("23 open listings")
    expect(page).to_have_url(re.compile(r"q=phlebotomy"))

    _open_filters(page)
    page.get_by_label(re.compile(r"^Paid")).check()
    if not javascript:
        page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#results-title")).to_have_text("11 open listings")
    expect(page).to_have_url(re.compile(r"comp=paid"))

    page.get_by_label("Keywords").fill("")
    _open_filters(page)
    page.get_by_label(re.compile(r"^Paid")).uncheck()
    page.get_by_label("Sort by").select_option("pay")
    if not javascript:
        page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"sort=pay"))
    expect(page.locator(".card-title").first).to_have_text("Student Phlebotomist 21")

    page.get_by_role("link", name="Next").click()
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(page.get_by_text("Page 2 of 2")).to_be_visible()
    page.locator(".card-title a").first.click()
    expect(page).to_have_url(re.compile(r"/listings/\d+/$"))
    expect(page.get_by_role("heading", name="At a glance")).to_be_visible()


def test_search_with_javascript(page, live_server, listings):
    # The site's Content-Security-Policy is in force: nothing of ours may be blocked.
    console = []
    page.on("console", lambda message: console.append(message.text))
    _search_flow(page, live_server.url, javascript=True)
    assert [text for text in console if "Content Security Policy" in text] == []


def test_search_without_javascript(browser, live_server, listings):
    context = browser.new_context(java_script_enabled=False)
    try:
        _search_flow(context.new_page(), live_server.url, javascript=False)
    finally:
        context.close()


def test_did_you_mean_link(page, live_server, listings):
    page.goto(f"{live_server.url}/listings/?q=flebotomist")
    expect(page.locator(".suggestion")).to_contain_text("Did you mean phlebotomist?")
    page.locator(".suggestion a").click()
    expect(page.locator("#results-title")).to_have_text("23 open listings")


@pytest.mark.parametrize("path", ["/", "/listings/?q=phlebotomy&comp=paid", "detail"])
def test_no_serious_accessibility_violations(page, live_server, listings, path):
    if path == "detail":
        from listings.models import Listing

        path = Listing.objects.get(title="Student Phlebotomist 01").get_absolute_url()
    page.goto(f"{live_server.url}{path}")
    assert serious_accessibility_problems(page) == []


def test_on_a_phone_the_first_result_is_on_the_first_screen(browser, live_server, listings):
    """Results first on a 390 x 844 phone (the filters wait behind "Filters (n)"); a
    wide screen opens the panel beside them."""
    phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    phone.goto(f"{live_server.url}/listings/?q=phlebotomy&comp=paid")
    first = phone.locator(".card").first.bounding_box()
    assert first["y"] < 844, first
    expect(phone.locator("details[data-filters] > summary")).to_contain_text("Filters (1)")
    assert not phone.locator("details[data-filters]").evaluate("panel => panel.open")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    wide = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    wide.goto(f"{live_server.url}/listings/?q=phlebotomy")
    assert wide.locator("details[data-filters]").evaluate("panel => panel.open")


def test_back_and_forward_walk_the_searches_and_chips_remove_filters(page, live_server, listings):
    base = live_server.url
    page.goto(f"{base}/listings/?q=phlebotomy")
    expect(page.locator("#results-title")).to_have_text("23 open listings")
    _open_filters(page)
    page.get_by_label(re.compile(r"^Paid")).check()
    expect(page.locator("#results-title")).to_have_text("11 open listings")
    expect(page.locator(".chips")).to_contain_text("Paid")
    expect(page.get_by_text("1–11 of 11")).to_be_visible()

    page.go_back()  # the search before the filter, controls included
    expect(page).to_have_url(re.compile(r"\?q=phlebotomy$"))
    expect(page.locator("#results-title")).to_have_text("23 open listings")
    assert not page.get_by_label(re.compile(r"^Paid")).is_checked()
    page.go_forward()
    expect(page.locator("#results-title")).to_have_text("11 open listings")
    assert page.get_by_label(re.compile(r"^Paid")).is_checked()

    page.get_by_role("link", name=re.compile("^Paid")).click()  # the chip
    expect(page.locator("#results-title")).to_have_text("23 open listings")
    expect(page).not_to_have_url(re.compile("comp=paid"))
    expect(page.locator(".chips")).to_have_count(0)


def test_a_student_saves_the_search_without_leaving_the_results(browser, live_server, listings):
    from listings.models import SavedSearch
    from tests.support.browser import log_in
    from tests.support.factories import StudentFactory

    student = StudentFactory()
    page = log_in(browser, live_server.url, student.email)
    page.goto(f"{live_server.url}/listings/?q=phlebotomy&comp=paid")

    page.get_by_text("Save this search · email me new listings").click()
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.get_by_role("status").filter(has_text="Saved the search")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/listings/\?q=phlebotomy&comp=paid$"))
    assert SavedSearch.objects.get(student=student).query == "q=phlebotomy&comp=paid"
