"""Request guards shared by every page."""

from django.http import HttpResponseBadRequest


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
