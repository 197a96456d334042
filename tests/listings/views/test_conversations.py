"""An application's conversation: interview invitations with their calendar file,
unread counts and read marks on both sides, the student's answer to an offer, and
the student's private calendar feed (revocable)."""

from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from listings.models import Application, CalendarFeed, Interview
from listings.services import applications as application_services
from tests.support.factories import (
    ApplicationFactory,
    InterviewFactory,
    LabStaffFactory,
    PublishedListingFactory,
    StudentFactory,
    SubmittedApplicationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(lab):
    return SubmittedApplicationFactory(listing=PublishedListingFactory(lab=lab, title="Flow RA"))


def invite(client, application, **changes):
    day = timezone.localdate() + timedelta(days=3)
    data = {
        "day": day.isoformat(), "time": "10:30", "duration_minutes": "45",
        "place": "Room 4.12, Biomedical Research Building",
        "details": "Ask for Dr. Okafor at the front desk.", **changes,
    }  # fmt: skip
    return client.post(reverse("listings:manage_applicant_interview", args=[application.pk]), data)


def events_of(content: bytes) -> list:
    return [component for component in Calendar.from_ical(content).walk("VEVENT")]


def test_an_invitation_moves_the_application_and_mails_a_calendar_file(
    client, lab_staff, application
):
    client.force_login(lab_staff)

    response = invite(client, application)

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "interview"
    interview = Interview.objects.get(application=application)
    start = timezone.make_aware(
        datetime.combine(timezone.localdate() + timedelta(days=3), datetime.min.time())
    ).replace(hour=10, minute=30)
    assert interview.starts_at == start and interview.duration_minutes == 45
    [message] = mail.outbox
    assert message.to == [application.student.email]
    assert "Room 4.12" in message.body and "Ask for Dr. Okafor" in message.body
    assert f"/applications/{application.pk}/#reply" in message.body
    [(filename, ics, mimetype)] = message.attachments
    assert (filename, mimetype) == ("interview.ics", "text/calendar")
    [event] = events_of(ics.encode())
    assert event.decoded("dtstart") == start
    assert event.decoded("dtend") == start + timedelta(minutes=45)
    assert str(event["location"]) == "Room 4.12, Biomedical Research Building"
    assert "Flow RA" in str(event["summary"])
    assert str(event["uid"]) == f"interview-{interview.uid}@labjobs"
    assert application.unread_by_student == 1


def test_the_student_sees_the_invitation_and_downloads_the_same_event(client, application):
    interview = InterviewFactory(application=application)
    client.force_login(application.student)

    page = client.get(reverse("listings:application_detail", args=[application.pk]))
    ics_url = reverse("listings:interview_ics", args=[application.pk, interview.uid])
    download = client.get(ics_url)

    content = page.content.decode()
    assert "Interview invitation" in content and "Room 4.12" in content and ics_url in content
    assert download["Content-Type"] == "text/calendar; charset=utf-8"
    assert "attachment" in download["Content-Disposition"]
    [event] = events_of(download.content)
    assert str(event["uid"]) == f"interview-{interview.uid}@labjobs"
    assert event.decoded("dtstart") == interview.starts_at
    client.force_login(StudentFactory())
    assert client.get(ics_url).status_code == 404  # another student's invitation


@pytest.mark.parametrize(
    ("changes", "field_error"),
    [
        ({"day": "2020-01-02"}, "in the future"),
        ({"place": ""}, "Say where: a room and building, or a video-call link."),
        ({"time": "25:99"}, "Enter a time like 14:30."),
        ({"day": ""}, "Choose the day."),
        ({"duration_minutes": "9999"}, "Select a valid choice"),
        ({"place": "x" * 201}, "at most 200 characters"),
    ],
)
def test_a_bad_invitation_comes_back_with_its_error_and_changes_nothing(
    client, lab_staff, application, changes, field_error
):
    client.force_login(lab_staff)

    response = invite(client, application, **changes)

    assert response.status_code == 422
    assert field_error in response.content.decode()
    application.refresh_from_db()
    assert application.status == "submitted"
    assert not Interview.objects.exists() and mail.outbox == []


def test_a_decided_application_cannot_be_invited(client, lab_staff, application):
    application.withdraw(by=application.student)
    client.force_login(lab_staff)

    response = invite(client, application)

    assert response.status_code == 302
    assert not Interview.objects.exists() and mail.outbox == []
    page = client.get(response.url).content.decode()
    assert "only applications in process can be invited" in page


def test_a_second_round_is_another_invitation_without_another_move(client, lab_staff, application):
    client.force_login(lab_staff)
    invite(client, application)
    invite(client, application, time="14:00")

    application.refresh_from_db()
    assert application.status == "interview"
    assert application.events.filter(to_status="interview").count() == 1
    assert Interview.objects.filter(application=application).count() == 2
    assert len({i.uid for i in Interview.objects.all()}) == 2  # one calendar event each


def test_the_conversation_holds_notes_messages_and_invitations_in_order(
    client, lab_staff, application
):
    application_services.application_move(
        application=application, move="start_review", by=lab_staff, note="Reading it now."
    )
    application_services.application_message_send(
        application=application, sender=application.student, body="Thank you!"
    )
    InterviewFactory(application=application)
    client.force_login(application.student)

    content = client.get(
        reverse("listings:application_detail", args=[application.pk])
    ).content.decode()

    assert "No messages yet" not in content
    positions = [content.index(text) for text in ("Reading it now.", "Thank you!", "Room 4.12")]
    assert positions == sorted(positions)


def test_unread_counts_show_in_the_navigation_and_on_the_card_until_read(
    client, lab_staff, application, django_assert_num_queries
):
    student = application.student
    application_services.application_message_send(
        application=application, sender=lab_staff, body="Could you start in January?"
    )
    application_services.application_move(
        application=application, move="start_review", by=lab_staff
    )
    client.force_login(student)

    tracker = client.get(reverse("listings:application_list")).content.decode()
    assert '2 new<span class="visually-hidden"> updates from the lab' in tracker
    assert '<span class="badge">2<span class="visually-hidden"> unread' in tracker

    page = client.get(reverse("listings:application_detail", args=[application.pk]))
    assert page.content.decode().count('<strong class="badge">New</strong>') == 2
    application.refresh_from_db()
    assert application.unread_by_student == 0
    tracker = client.get(reverse("listings:application_list")).content.decode()
    assert "new<span" not in tracker and "unread" not in tracker


def test_the_lab_sees_what_the_student_wrote_as_unread_until_it_opens_the_applicant(
    client, lab_staff, application
):
    application_services.application_message_send(
        application=application, sender=application.student, body="Is parking available?"
    )
    application.refresh_from_db()
    assert application.unread_by_lab == 1 and application.unread_by_student == 0
    client.force_login(lab_staff)

    dashboard = client.get(reverse("listings:manage_dashboard")).content.decode()
    listing_applicants = client.get(
        reverse("listings:manage_applicants", args=[application.listing.pk])
    ).content.decode()
    client.get(reverse("listings:manage_applicant", args=[application.pk]))

    assert '1<span class="visually-hidden"> unread from applicants' in dashboard  # the nav
    assert '1 new<span class="visually-hidden"> from applicants' in dashboard
    assert "1 new" in listing_applicants
    application.refresh_from_db()
    assert application.unread_by_lab == 0
    assert (
        "unread from applicants"
        not in client.get(reverse("listings:manage_dashboard")).content.decode()
    )
    # Another lab's staff count none of it.
    client.force_login(LabStaffFactory())
    application_services.application_message_send(
        application=application, sender=application.student, body="And lockers?"
    )
    assert (
        "unread from applicants"
        not in client.get(reverse("listings:manage_dashboard")).content.decode()
    )


def test_reading_a_read_thread_writes_nothing(client, application, django_assert_num_queries):
    client.force_login(application.student)
    url = reverse("listings:application_detail", args=[application.pk])
    client.get(url)

    # session, user, application, events, messages, interviews, unread count: no UPDATE
    with django_assert_num_queries(7):
        client.get(url)


@pytest.mark.parametrize(("answer", "status"), [("accept", "accepted"), ("decline", "declined")])
def test_the_student_answers_an_offer_and_the_lab_is_told(
    client, lab_staff, application, answer, status
):
    application.make_offer(by=lab_staff)
    client.force_login(application.student)
    url = reverse("listings:application_offer", args=[application.pk])

    assert (
        "Accept the offer"
        in client.get(
            reverse("listings:application_detail", args=[application.pk])
        ).content.decode()
    )
    first = client.post(url, {"answer": answer})
    again = client.post(url, {"answer": "accept"}, follow=True)  # a double submit

    assert first.status_code == 302
    application.refresh_from_db()
    assert application.status == status and application.unread_by_lab == 1
    [message] = mail.outbox
    assert message.to == [lab_staff.email]
    assert f"{status} your offer" in message.subject
    assert "not an offer" in again.content.decode()


def test_an_answer_that_is_neither_is_a_message(client, application):
    application.make_offer(by=None)
    client.force_login(application.student)

    response = client.post(
        reverse("listings:application_offer", args=[application.pk]),
        {"answer": "maybe"},
        follow=True,
    )

    assert "Choose to accept or to decline" in response.content.decode()
    application.refresh_from_db()
    assert application.status == "offer"


# -- the calendar feed ----------------------------------------------------------------


def test_the_private_feed_lists_saved_deadlines_and_interviews_until_it_is_stopped(client, student):
    in_ten_days = timezone.localdate() + timedelta(days=10)
    saved = ApplicationFactory(
        student=student, listing=PublishedListingFactory(title="Phlebotomy", deadline=in_ten_days)
    )
    ApplicationFactory(student=student, listing=PublishedListingFactory(deadline=None))
    sent = SubmittedApplicationFactory(
        student=student, listing=PublishedListingFactory(title="Sent already", deadline=in_ten_days)
    )
    interview = InterviewFactory(application=sent)
    ApplicationFactory(listing=PublishedListingFactory(title="Someone else's"))
    client.force_login(student)

    client.post(reverse("listings:calendar_feed_create"))
    feed = CalendarFeed.objects.get(student=student)
    tracker = client.get(reverse("listings:application_list")).content.decode()
    address = reverse("listings:calendar_feed", args=[feed.token])
    client.logout()  # calendar apps do not log in
    response = client.get(address)

    assert address in tracker
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    events = {str(event["uid"]): event for event in events_of(response.content)}
    assert set(events) == {f"deadline-{saved.pk}@labjobs", f"interview-{interview.uid}@labjobs"}
    deadline = events[f"deadline-{saved.pk}@labjobs"]
    assert deadline.decoded("dtstart") == in_ten_days  # an all-day event on the date
    assert "Phlebotomy" in str(deadline["summary"])

    client.force_login(student)
    client.post(reverse("listings:calendar_feed_revoke"))
    assert client.get(address).status_code == 404
    client.post(reverse("listings:calendar_feed_create"))
    assert CalendarFeed.objects.get(student=student).token != feed.token
    assert client.get(address).status_code == 404  # the old address stays dead


def test_a_feed_of_a_deactivated_account_is_gone(client, student):
    feed = CalendarFeed.objects.create(student=student)
    student.is_active = False
    student.save()

    assert client.get(reverse("listings:calendar_feed", args=[feed.token])).status_code == 404
    assert client.get("/calendar/not-a-token/labjobs.ics").status_code == 404


# -- the tracker ----------------------------------------------------------------------


def test_tracker_cards_say_when_and_what_is_next_with_drafts_apart(client, student):
    deadline = timezone.localdate() + timedelta(days=5)
    ApplicationFactory(student=student, listing=PublishedListingFactory(deadline=deadline))
    ApplicationFactory(student=student, cover_letter="Dear Dr. Okafor,")
    offer = SubmittedApplicationFactory(student=student)
    offer.make_offer(by=None)
    interview = InterviewFactory(application=SubmittedApplicationFactory(student=student))
    interview.application.invite_to_interview(by=None)
    client.force_login(student)

    response = client.get(reverse("listings:application_list"))

    groups = {key: len(rows) for key, _, rows in response.context["groups"]}
    assert groups == {"offer": 1, "interview": 1, "draft": 1, "saved": 1}
    content = response.content.decode()
    assert "Drafts (not sent yet)" in content and "Saved listings" in content
    assert f"Next: Apply by {deadline:%b} {deadline.day}." in content
    assert "(closes in 5 days)" in content
    assert "Next: Finish and send your draft" in content
    assert "Next: accept or decline the lab&#x27;s offer." in content
    assert "Next: your interview," in content and "Room 4.12" in content
    assert content.count("Sent <time") == 2 and content.count("Saved <time") == 2


def test_saving_in_place_answers_json_with_the_new_button(client, student):
    listing = PublishedListingFactory(title="Histology tech")
    client.force_login(student)
    json_headers = {"HTTP_ACCEPT": "application/json"}

    saved = client.post(reverse("listings:listing_save", args=[listing.pk]), **json_headers)
    removed = client.post(reverse("listings:listing_unsave", args=[listing.pk]), **json_headers)

    assert saved.status_code == 200 and saved.json()["saved"] is True
    assert "Saved ✓" in saved.json()["button"]
    assert saved.json()["action"] == reverse("listings:listing_unsave", args=[listing.pk])
    assert removed.json()["saved"] is False and "Removed" in removed.json()["message"]
    assert not Application.objects.filter(student=student).exists()
    # A sent application is not a bookmark: "un-saving" it leaves it, and says so.
    sent = SubmittedApplicationFactory(student=student)
    kept = client.post(reverse("listings:listing_unsave", args=[sent.listing.pk]), **json_headers)
    assert (
        kept.json()["saved"] is False and "was not in your saved listings" in kept.json()["message"]
    )
    assert Application.objects.filter(pk=sent.pk).exists()
    # Without the script: back to the card it was saved from.
    plain = client.post(
        reverse("listings:listing_save", args=[listing.pk]), {"next": "/listings/?q=histology"}
    )
    assert plain.url == "/listings/?q=histology"
