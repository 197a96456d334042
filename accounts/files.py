"""CV files: handed out only by permission-checking views, always as a download."""

from django.http import FileResponse, Http404


def cv_response(field, filename: str) -> FileResponse:
    """A stored CV as a download (never shown inline), not kept by shared caches."""
    try:
        handle = field.open("rb")
    except FileNotFoundError as missing:
        raise Http404("The file is missing.") from missing
    response = FileResponse(
        handle, as_attachment=True, filename=filename or "CV.pdf", content_type="application/pdf"
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
