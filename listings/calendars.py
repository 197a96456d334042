"""Calendar files (RFC 5545, written with the `icalendar` library): one per interview
invitation, and a student's private feed of application deadlines and interviews.

Times are written in UTC (`...Z`), which every calendar converts to its reader's own
zone, so no VTIMEZONE is needed; deadlines are all-day events on their date."""

from __future__ import annotations

from datetime import UTC, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

PRODUCT_ID = "-//LabJobs//Laboratory positions for students//EN"


def _calendar(name: str, *, method: str = "") -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    calendar.add("x-wr-calname", name)
    return calendar


def _interview_event(interview) -> Event:
    application = interview.application
    listing = application.listing
    event = Event()
    event.add("uid", f"interview-{interview.uid}@labjobs")
    event.add("dtstamp", interview.created_at.astimezone(UTC))
    event.add("dtstart", interview.starts_at.astimezone(UTC))
    event.add("dtend", interview.ends_at.astimezone(UTC))
    event.add("summary", f"Interview: {listing.title} ({listing.lab.name})")
    event.add("location", interview.place)
    url = settings.SITE_URL + reverse("listings:application_detail", args=[application.pk])
    event.add("description", "\n\n".join(filter(None, [interview.details, url])))
    event.add("url", url)
    event.add("status", "CONFIRMED")
    return event


def interview_ics(interview) -> bytes:
    """The calendar file of one invitation (attached to its email, and downloadable)."""
    calendar = _calendar("LabJobs interview", method="PUBLISH")
    calendar.add_component(_interview_event(interview))
    return calendar.to_ical()


def _deadline_event(application, *, stamp) -> Event:
    listing = application.listing
    event = Event()
    event.add("uid", f"deadline-{application.pk}@labjobs")
    event.add("dtstamp", stamp)
    event.add("dtstart", listing.deadline)
    event.add("dtend", listing.deadline + timedelta(days=1))
    event.add("summary", f"Apply by today: {listing.title} ({listing.lab.name})")
    url = settings.SITE_URL + listing.get_absolute_url()
    event.add("description", url)
    event.add("url", url)
    event.add("transp", "TRANSPARENT")  # a deadline does not make the student busy
    return event


def student_feed_ics(*, saved, interviews) -> bytes:
    """A student's private feed: each saved listing's deadline (listings they have not
    sent an application to) and each interview they were invited to."""
    calendar = _calendar("LabJobs: deadlines and interviews")
    calendar.add("refresh-interval", timedelta(hours=6), parameters={"VALUE": "DURATION"})
    stamp = timezone.now().astimezone(UTC).replace(microsecond=0)
    for application in saved:
        calendar.add_component(_deadline_event(application, stamp=stamp))
    for interview in interviews:
        calendar.add_component(_interview_event(interview))
    return calendar.to_ical()
