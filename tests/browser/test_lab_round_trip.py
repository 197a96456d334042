"""The lab round trip in a real browser: staff submit a listing, a moderator rejects it
with a reason, staff edit and resubmit, the moderator approves, a student applies,
staff move the application to interview, and the student sees it on their timeline."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from listings.models import Application, Listing
from tests.support.browser import log_in, serious_accessibility_problems
from tests.support.factories import LabStaffFactory, StudentFactory
from tests.support.files import pdf

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("migration_data")]


def moderate(page, base, listing, decision, reason=""):
    page.goto(f"{base}/admin/listings/listing/{listing.pk}/moderate/")
    if decision == "reject":
        page.get_by_label("Details for the poster").fill(reason)
        page.get_by_role("button", name="Reject with this reason").click()
    else:
        page.get_by_role("button", name="Approve and publish").click()
    expect(page.locator(".messagelist")).to_be_visible()


def test_lab_round_trip(browser, live_server, lab, moderator, tmp_path):
    base = live_server.url
    staff = LabStaffFactory(profile__lab=lab, email="manager@lab.example.edu")
    student = StudentFactory(email="ana@uni.edu")
    profile = student.student_profile
    profile.cv.save("cv.pdf", pdf(), save=False)
    profile.cv_filename = "Ana_CV.pdf"
    profile.save()

    # Staff write and submit a listing.
    staff_page = log_in(browser, base, staff.email)
    staff_page.get_by_role("link", name="Manage listings").click()
    assert serious_accessibility_problems(staff_page) == []  # the dashboard
    staff_page.get_by_role("link", name="New listing").click()
    staff_page.get_by_label("Title").fill("Research assistant, platelet biology")
    staff_page.get_by_label("Research Assistant").check()
    staff_page.get_by_label("Description").fill("Process blood samples for platelet studies.")
    staff_page.get_by_label("Medical student, year 1 (MS1)").check()
    staff_page.get_by_label("Compensation").select_option("volunteer")
    staff_page.get_by_label("Hours per week (minimum)").fill("6")
    staff_page.get_by_label("Hours per week (maximum)").fill("10")
    staff_page.get_by_label("Weekdays").check()
    staff_page.get_by_role("button", name="Save draft").click()
    expect(staff_page.get_by_text("Draft saved.")).to_be_visible()
    assert serious_accessibility_problems(staff_page) == []  # the form and its panel
    staff_page.get_by_role("button", name="Save and submit for review").click()
    expect(staff_page.get_by_text("Submitted for review.")).to_be_visible()
    listing = Listing.objects.get()
    assert listing.status == "pending"

    # The moderator rejects it with a reason.
    admin_page = log_in(browser, base, moderator.email, admin=True)
    moderate(admin_page, base, listing, "reject", "Please say what students will learn.")

    # Staff see the reason, edit and resubmit.
    staff_page.reload()
    expect(staff_page.locator(".banner-error")).to_contain_text(
        "Rejected: Please say what students will learn."
    )
    staff_page.get_by_label("Description").fill(
        "Process blood samples for platelet studies. You will learn flow cytometry."
    )
    # Submitting from the form sends the edit with it (it used to submit the old text).
    staff_page.get_by_role("button", name="Save and submit for review").click()
    expect(staff_page.get_by_text("Submitted for review.")).to_be_visible()
    listing.refresh_from_db()
    assert "flow cytometry" in listing.description

    # The moderator approves it.
    moderate(admin_page, base, listing, "approve")
    listing.refresh_from_db()
    assert listing.status == "published"

    # A student applies.
    student_page = log_in(browser, base, student.email)
    student_page.goto(f"{base}{listing.get_absolute_url()}")
    student_page.get_by_role("link", name="Apply").click()
    student_page.get_by_label("Cover letter").fill("I ran platelet assays last summer.")
    student_page.get_by_role("button", name="Send application").click()
    expect(student_page.get_by_text("Application sent.")).to_be_visible()
    application = Application.objects.get()

    # Staff invite the student to interview.
    staff_page.goto(f"{base}/manage/")
    staff_page.get_by_role("link", name=re.compile("Submitted: 1")).click()
    staff_page.get_by_role("link", name=student.email).click()
    expect(staff_page.get_by_text("I ran platelet assays last summer.")).to_be_visible()
    assert serious_accessibility_problems(staff_page) == []
    staff_page.get_by_text("Invite to an interview…").click()
    invitation = staff_page.locator(".interview-invite")
    invitation.get_by_label("Date").fill((timezone.localdate() + timedelta(days=4)).isoformat())
    invitation.get_by_label("Time").fill("10:00")
    invitation.get_by_label("Place").fill("Room 4.12, Biomedical Research Building")
    invitation.get_by_label("Message to the student (optional)").fill("Ask at the front desk.")
    invitation.get_by_role("button", name="Send the invitation").click()
    expect(staff_page.get_by_text("Invitation sent")).to_be_visible()

    # The student sees an unread update in the navigation, then the invitation in the
    # conversation, with a calendar file to add.
    student_page.goto(f"{base}/applications/")
    expect(
        student_page.get_by_role("link", name=re.compile("My applications 1 unread"))
    ).to_be_visible()
    student_page.get_by_role("link", name=application.listing.title).click()
    expect(student_page.locator(".status-line")).to_contain_text("Interview")
    conversation = student_page.locator(".thread")
    expect(conversation).to_contain_text("Room 4.12, Biomedical Research Building")
    expect(conversation).to_contain_text("Ask at the front desk.")
    with student_page.expect_download() as download:
        conversation.get_by_role("link", name="Add to my calendar (.ics)").click()
    assert download.value.suggested_filename == "interview.ics"
    assert serious_accessibility_problems(student_page) == []


def test_staff_signup_and_a_lab_contact_form_have_no_serious_accessibility_problems(
    browser, live_server
):
    from tests.support.factories import LabFactory

    lab = LabFactory(open_to_inquiries=True)
    LabStaffFactory(profile__lab=lab)
    student = StudentFactory()
    anonymous = browser.new_context().new_page()
    anonymous.goto(f"{live_server.url}/accounts/signup/staff/")
    assert serious_accessibility_problems(anonymous) == []
    page = log_in(browser, live_server.url, student.email)
    page.goto(f"{live_server.url}{lab.get_absolute_url()}")
    expect(page.get_by_role("heading", name="Ask about working here")).to_be_visible()
    assert serious_accessibility_problems(page) == []
    page.get_by_label("Your message").fill("I am an MS1 interested in your work.")
    page.get_by_role("button", name="Send to the lab").click()
    expect(page.get_by_text(f"Sent to {lab.name}.")).to_be_visible()
