"""The whole student path in a real browser: sign up, confirm the email by its link,
fill the profile with a CV, search, save, apply, see it in the tracker, withdraw."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from listings.models import Application, Certification
from listings.search.suggest import refresh_search_words
from tests.support.browser import serious_accessibility_problems
from tests.support.factories import PublishedListingFactory, role_type
from tests.support.files import pdf

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("migration_data")]
PASSWORD = "Pipette-and-PCR-2029"


@pytest.fixture
def listing():
    listing = PublishedListingFactory(
        title="Student Phlebotomist, weekend clinic",
        role_types=[role_type("phlebotomist")],
        description="Draw blood at the outpatient clinic.",
        skills=["venipuncture", "patient interaction"],
    )
    listing.certifications.set(Certification.objects.filter(slug="bls-cpr"))
    PublishedListingFactory(title="Data analyst", description="R and Python.")
    refresh_search_words()
    return listing


@pytest.fixture
def cv_file(tmp_path):
    path = tmp_path / "Jordan Lee CV.pdf"
    path.write_bytes(pdf().read())
    return path


def link_in(message, base_url) -> str:
    path = re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)
    return f"{base_url}{path}"


def test_student_signs_up_applies_tracks_and_withdraws(
    page, live_server, listing, cv_file, settings
):
    settings.SITE_URL = live_server.url  # links in LabJobs' own emails
    base = live_server.url

    # Sign up and confirm the address by the emailed link.
    page.goto(f"{base}/accounts/signup/")
    assert serious_accessibility_problems(page) == []
    page.get_by_label("First name").fill("Jordan")
    page.get_by_label("Last name").fill("Lee")
    page.get_by_label("Email").fill("jordan@uni.edu")
    page.get_by_label(re.compile(r"^Password")).first.fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_label("Program and level").select_option("ms2")
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("heading", name="Confirm your email address")).to_be_visible()
    expect(page.get_by_text("We sent a link to jordan@uni.edu")).to_be_visible()
    [confirmation] = mail.outbox
    assert confirmation.to == ["jordan@uni.edu"]
    page.goto(link_in(confirmation, base))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("button", name=re.compile("Log out"))).to_be_visible()

    # Profile: a certification and a CV.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Profile").click()
    assert serious_accessibility_problems(page) == []
    page.get_by_label("Skills").fill("venipuncture, Spanish")
    page.locator("#id_certs-0-certification").select_option(label="BLS/CPR")
    page.locator("#id_certs-0-expires_on").fill("2030-06-30")
    page.get_by_role("button", name="Add another certification").click()  # one row at a time
    expect(page.locator("#id_certs-1-certification")).to_be_focused()
    page.locator("#id_certs-1-certification").select_option(label="HIPAA")
    page.get_by_label("CV (PDF, at most 5 MB)").set_input_files(cv_file)
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Profile saved.")).to_be_visible()
    expect(page.get_by_role("link", name="Jordan_Lee_CV.pdf")).to_be_visible()

    # Search and save.
    page.get_by_role("link", name="Find a position").click()
    page.get_by_label("Keywords").fill("phlebotomy")
    page.get_by_label("Keywords").press("Enter")
    expect(page.locator("#results-title")).to_have_text("1 open listing")
    page.get_by_role("button", name=f"Save “{listing.title}”").click()
    expect(page.get_by_text(f"Saved “{listing.title}”")).to_be_visible()
    expect(page).to_have_url(re.compile(r"q=phlebotomy"))  # back on the same search

    # Save the search for weekly alerts, without leaving the results.
    page.get_by_text("Save this search · email me new listings").click()
    page.get_by_label("Email me new listings").select_option("weekly")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Saved the search “phlebotomy”: weekly email.")).to_be_visible()
    expect(page.locator("#results-title")).to_have_text("1 open listing")
    assert serious_accessibility_problems(page) == []
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Saved searches").click()
    page.get_by_role("link", name="phlebotomy").click()
    expect(page.locator("#results-title")).to_have_text("1 open listing")

    # Apply with the profile CV.
    page.get_by_role("link", name=listing.title).click()
    expect(page.get_by_text("You meet 1 of 1.")).to_be_visible()
    page.get_by_role("link", name="Apply").click()
    expect(page.get_by_text("venipuncture").first).to_be_visible()  # skills beside the editor
    assert serious_accessibility_problems(page) == []
    page.get_by_label("Cover letter").fill("I drew blood twice a week at a student clinic.")
    page.get_by_role("button", name="Send application").click()
    expect(page.get_by_text("Application sent.")).to_be_visible()

    application = Application.objects.get(listing=listing)
    assert application.status == "submitted" and application.cv_filename == "Jordan_Lee_CV.pdf"
    receipt = mail.outbox[-1]
    assert receipt.to == ["jordan@uni.edu"]
    assert receipt.subject == f"[LabJobs] Application sent: {listing.title}"
    page.goto(link_in(receipt, base))
    expect(page.get_by_role("heading", name="Conversation with the lab")).to_be_visible()

    # The tracker, then withdraw.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My applications").click()
    expect(page.get_by_role("heading", name="Sent (1)")).to_be_visible()
    assert serious_accessibility_problems(page) == []
    page.get_by_role("link", name=listing.title).click()
    page.get_by_role("link", name="Withdraw this application…").click()
    page.get_by_role("button", name="Yes, withdraw it").click()
    expect(page.get_by_text("Application withdrawn.")).to_be_visible()
    expect(page.locator(".status-line")).to_contain_text("Withdrawn")
    application.refresh_from_db()
    assert application.status == "withdrawn"
