"""Request guards shared by every page."""

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


class RequestSizeLimitMiddleware:
    """Answer 413 to a request body larger than MAX_REQUEST_BYTES before anything reads
    it: a 50 MB "CV" is refused by its Content-Length, not after it was received and
    stored. (Django never reads past Content-Length, so the header bounds the work.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return HttpResponseBadRequest(
                "Bad request: Content-Length is not a number.",
                content_type="text/plain; charset=utf-8",
            )
        if length > settings.MAX_REQUEST_BYTES:
            limit = settings.CV_MAX_BYTES // 1024 // 1024
            body = render_to_string("413.html", {"limit_mb": limit}, request=request)
            return HttpResponse(body, status=413, content_type="text/html; charset=utf-8")
        return self.get_response(request)


class RejectNulBytesMiddleware:
    """Answer 400 to a query string or form value containing a NUL byte.

    PostgreSQL cannot store or compare NUL in text, so such a value would otherwise
    surface deep inside a query as a server error.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        sources = [request.GET, request.POST] if request.method == "POST" else [request.GET]
        for data in sources:
            for key, values in data.lists():
                if "\x00" in key or any("\x00" in value for value in values):
                    return HttpResponseBadRequest(
                        "Bad request: a parameter contains a NUL byte.",
                        content_type="text/plain; charset=utf-8",
                    )
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """While PostgreSQL is down or restarting, answer 503 with a friendly page and a
    Retry-After header, not Django's 500 with a traceback in the logs. The site
    recovers by itself: CONN_HEALTH_CHECKS drops broken connections on the next request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        # Django drops the broken connection when the request ends (request_finished
        # closes unusable connections), so the next request reconnects by itself.
        logger.warning("Database unavailable for %s: %s", request.path, exception)
        return unavailable_response(request)


def unavailable_response(request):
    try:
        body = render_to_string("503.html")
    except Exception:  # noqa: BLE001 - the page must not depend on anything else working
        body = "LabJobs is briefly unavailable. Please try again in a minute."
    response = HttpResponse(body, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = "30"
    response["Cache-Control"] = "no-store"
    return response
