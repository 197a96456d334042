"""The student's side of an application after it is sent: the conversation with the
lab (status changes, notes, invitations, messages; opening it marks it read), the
answer to an offer, interview calendar files and the private calendar feed. Every
view but the feed is behind `student_required` and finds only the student's own."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from accounts.permissions import student_required
from listings import calendars
from listings.forms import MessageForm, TrackingForm
from listings.models import Application, ApplicationEvent, CalendarFeed, Interview
from listings.selectors import conversation
from listings.services import applications, conversations

from .common import post_message, service_errors
from .student import own_application

FEED_DEADLINES_SINCE_DAYS = 30  # deadlines a month past stay in the calendar


def _calendar_response(content: bytes, filename: str, *, download: bool) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    disposition = "attachment" if download else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@student_required
def application_detail(request, pk):
    application = get_object_or_404(
        Application.objects.select_related("listing__lab__institution").prefetch_related(
            Prefetch("events", queryset=ApplicationEvent.objects.select_related("actor")),
            "messages",
            "interviews",
        ),
        pk=pk,
        student=request.user,
    )
    if request.method == "POST":
        form = TrackingForm(request.POST)
        if form.is_valid():
            with service_errors(request, form):
                applications.application_update_tracking(
                    application=application, **form.cleaned_data
                )
                messages.success(request, "Notes and follow-up date saved.")
                return redirect("listings:application_detail", pk=application.pk)
    else:
        form = TrackingForm(
            initial={"notes": application.notes, "follow_up_on": application.follow_up_on}
        )
    entries = conversation(application, viewer_is_lab=False)
    conversations.conversation_mark_read(application=application, by_lab=False)
    return render(
        request,
        "listings/application_detail.html",
        {
            "application": application,
            "listing": application.listing,
            "form": form,
            "entries": entries,
            "message_form": MessageForm(),
        },
    )


@require_POST
@student_required
def application_message(request, pk):
    application = own_application(request, pk)
    post_message(request, application, sent="Message sent to the lab.")
    return redirect("listings:application_detail", pk=application.pk)


@require_POST
@student_required
def application_offer(request, pk):
    application = own_application(request, pk)
    answer = request.POST.get("answer")
    if answer not in {"accept", "decline"}:
        messages.error(request, "Choose to accept or to decline the offer.")
        return redirect("listings:application_detail", pk=application.pk)
    with service_errors(request):
        conversations.offer_answer(
            application=application, accept=answer == "accept", by=request.user
        )
        messages.success(
            request,
            "You accepted the offer; the lab was told."
            if answer == "accept"
            else "You declined the offer; the lab was told.",
        )
    return redirect("listings:application_detail", pk=application.pk)


@require_safe
@student_required
def interview_ics(request, pk, uid):
    interview = get_object_or_404(
        Interview.objects.select_related("application__listing__lab"),
        uid=uid,
        application__pk=pk,
        application__student=request.user,
    )
    return _calendar_response(calendars.interview_ics(interview), "interview.ics", download=True)


# -- the private calendar feed ---------------------------------------------------------


@require_POST
@student_required
def calendar_feed_create(request):
    conversations.calendar_feed_create(student=request.user)
    messages.success(request, "Your private calendar address is ready: copy it into your calendar.")
    return redirect("listings:application_list")


@require_POST
@student_required
def calendar_feed_revoke(request):
    if conversations.calendar_feed_revoke(student=request.user):
        messages.success(
            request, "The calendar address is stopped; calendars that used it get nothing more."
        )
    return redirect("listings:application_list")


@require_safe
def calendar_feed(request, token):
    """The feed itself: the token in the address is the only proof (calendar apps
    cannot log in). Deadlines of listings the student saved and has not sent an
    application to, and their interviews."""
    feed = CalendarFeed.objects.filter(token=token).select_related("student").first()
    if feed is None or not feed.student.is_active:
        raise Http404("This calendar address is not valid, or it was stopped.")
    since = timezone.localdate() - timedelta(days=FEED_DEADLINES_SINCE_DAYS)
    saved = (
        Application.objects.filter(
            student=feed.student,
            status=Application.Status.SAVED,
            listing__deadline__gte=since,
        )
        .select_related("listing__lab")
        .order_by("listing__deadline", "id")
    )
    ended = [Application.Status.WITHDRAWN, Application.Status.NOT_SELECTED]
    interviews = (
        Interview.objects.filter(application__student=feed.student)
        .exclude(application__status__in=ended)
        .select_related("application__listing__lab")
    )
    content = calendars.student_feed_ics(saved=saved, interviews=interviews)
    return _calendar_response(content, "labjobs.ics", download=False)
