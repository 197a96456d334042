"""Email to students and labs: one place renders them (a text and an HTML part each)
and puts them in the outbox in the caller's transaction, so a rolled-back change
sends nothing and a committed one always sends; the queue's workers deliver them."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.models import LabStaffProfile, Membership
from labjobs.mail import queue_email
from listings.calendars import interview_ics

UNSUBSCRIBE_SALT = "labjobs.search-alert-unsubscribe"
UNFOLLOW_SALT = "labjobs.lab-unfollow"


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def send(
    *,
    to: str | list[str],
    template: str,
    context: dict,
    headers: dict | None = None,
    reply_to: list[str] | None = None,
    attachments: list[tuple[str, str, str]] = (),
) -> None:
    """Render emails/<template>_subject.txt, .txt and .html and send them on commit,
    with small text `attachments` (filename, content, mimetype)."""
    context = {"site_url": settings.SITE_URL, "TIME_ZONE_NAME": settings.TIME_ZONE, **context}
    subject = " ".join(render_to_string(f"emails/{template}_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=f"[LabJobs] {subject}",
        body=render_to_string(f"emails/{template}.txt", context),
        to=[to] if isinstance(to, str) else to,
        headers=headers or {},
        reply_to=reply_to,
    )
    message.attach_alternative(render_to_string(f"emails/{template}.html", context), "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    # Into the outbox, in the caller's transaction; a worker sends it (labjobs/mail.py).
    queue_email(message)


def _application_context(application) -> dict:
    application_url = absolute(
        reverse("listings:application_detail", kwargs={"pk": application.pk})
    )
    return {
        "application": application,
        "listing": application.listing,
        "lab": application.listing.lab,
        "application_url": application_url,
        "reply_url": f"{application_url}#reply",
        "listing_url": absolute(application.listing.get_absolute_url()),
    }


def application_submitted(application) -> None:
    """Receipt for a submitted application."""
    send(
        to=application.student.email,
        template="application_submitted",
        context=_application_context(application),
    )


def application_status_changed(application, event) -> None:
    """Tell the student that a lab moved their application (reviewing, interview, ...)."""
    send(
        to=application.student.email,
        template="application_status_changed",
        context={**_application_context(application), "event": event},
    )


def interview_invitation(interview) -> None:
    """The invitation, with its calendar file attached (and a link to download it)."""
    application = interview.application
    ics_url = absolute(
        reverse("listings:interview_ics", kwargs={"pk": application.pk, "uid": interview.uid})
    )
    send(
        to=application.student.email,
        template="interview_invitation",
        context={**_application_context(application), "interview": interview, "ics_url": ics_url},
        attachments=[("interview.ics", interview_ics(interview).decode(), "text/calendar")],
    )


def follow_up_due(application) -> None:
    send(
        to=application.student.email,
        template="follow_up_due",
        context=_application_context(application),
    )


def unsubscribe_url(saved_search) -> str:
    token = signing.dumps(saved_search.pk, salt=UNSUBSCRIBE_SALT)
    return absolute(reverse("listings:saved_search_unsubscribe", kwargs={"token": token}))


def unfollow_url(follow) -> str:
    token = signing.dumps(follow.pk, salt=UNFOLLOW_SALT)
    return absolute(reverse("listings:lab_unfollow_link", kwargs={"token": token}))


def new_listing_to_follower(follow, listing) -> None:
    """A lab the student follows published a listing; one-click unfollow (RFC 8058)."""
    unfollow = unfollow_url(follow)
    send(
        to=follow.student.email,
        template="new_listing_from_lab",
        context={
            "lab": listing.lab, "listing": listing, "unfollow_url": unfollow,
            "listing_url": absolute(listing.get_absolute_url()),
        },
        headers={"List-Unsubscribe": f"<{unfollow}>",
                 "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )  # fmt: skip


def search_alert(saved_search, listings: list, more: int) -> None:
    """New listings for a saved search; with a one-click unsubscribe (RFC 8058)."""
    unsubscribe = unsubscribe_url(saved_search)
    send(
        to=saved_search.student.email,
        template="search_alert",
        context={
            "saved_search": saved_search,
            "listings": [(listing, absolute(listing.get_absolute_url())) for listing in listings],
            "more": more,
            "search_url": absolute(saved_search.get_absolute_url()),
            "unsubscribe_url": unsubscribe,
        },
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


# -- to labs ------------------------------------------------------------------------


def lab_recipients(lab) -> list[str]:
    """The lab's staff (active members): they receive its mail (applicant messages,
    inquiries, expiry warnings, requests to join). The lab's addresses are never shown
    to students."""
    staff = LabStaffProfile.objects.filter(lab=lab, status=Membership.ACTIVE, user__is_active=True)
    return sorted(staff.values_list("user__email", flat=True))


def _send_to_lab(lab, *, template: str, context: dict, reply_to: list[str] | None = None):
    recipients = lab_recipients(lab)
    if recipients:
        send(to=recipients, template=template, context={"lab": lab, **context}, reply_to=reply_to)


def message_to_student(message) -> None:
    application = message.application
    send(
        to=application.student.email,
        template="message_to_student",
        context={**_application_context(application), "message": message},
    )


def _applicant_url(application) -> str:
    return absolute(reverse("listings:manage_applicant", kwargs={"pk": application.pk}))


def offer_answered(application, event) -> None:
    """The student accepted or declined the lab's offer."""
    _send_to_lab(
        application.listing.lab,
        template="offer_answered",
        context={
            "application": application,
            "listing": application.listing,
            "event": event,
            "applicant_url": _applicant_url(application),
        },
    )


def message_to_lab(message) -> None:
    application = message.application
    _send_to_lab(
        application.listing.lab,
        template="message_to_lab",
        context={
            "message": message,
            "application": application,
            "listing": application.listing,
            "applicant_url": _applicant_url(application),
        },
    )


def expiry_warning(listing) -> None:
    _send_to_lab(
        listing.lab,
        template="expiry_warning",
        context={
            "listing": listing,
            "renew_url": absolute(reverse("listings:manage_renew", kwargs={"pk": listing.pk})),
        },
    )


def inquiry_to_lab(inquiry) -> None:
    """The student's inquiry; replies go straight to the student (Reply-To)."""
    _send_to_lab(
        inquiry.lab,
        template="inquiry_to_lab",
        context={"inquiry": inquiry, "student": inquiry.student},
        reply_to=[inquiry.student.email],
    )


def listing_decided(listing) -> None:
    """A moderator approved or rejected the lab's listing (with the reason)."""
    _send_to_lab(
        listing.lab,
        template="listing_decided",
        context={
            "listing": listing,
            "manage_url": absolute(reverse("listings:manage_listing", kwargs={"pk": listing.pk})),
            "public_url": absolute(listing.get_absolute_url()),
        },
    )


def membership_requested(profile) -> None:
    """Someone asked to join the lab: its staff approve or decline on /manage/members/."""
    _send_to_lab(
        profile.lab,
        template="membership_requested",
        context={
            "profile": profile,
            "members_url": absolute(reverse("listings:manage_members")),
        },
    )


def membership_decided(profile) -> None:
    """Tell someone who asked to join whether the lab took them on."""
    send(
        to=profile.user.email,
        template="membership_decided",
        context={
            "profile": profile,
            "lab": profile.lab,
            "manage_url": absolute(reverse("listings:manage_dashboard")),
        },
    )
