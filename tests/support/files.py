"""Uploads for tests: real PDFs (pypdf reads them), with or without active content."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import DictionaryObject, NameObject, TextStringObject


def pdf_bytes(size: int = 2000, *, javascript: str = "", embedded: bytes = b"") -> bytes:
    """A one-page PDF of about `size` bytes (padded in its metadata)."""
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    if javascript:  # document-level JavaScript, run when the file opens
        writer.add_open_action(JavaScript(javascript))
    if embedded:
        writer.add_attachment("payload.exe", embedded)
    writer.add_metadata({"/Title": "CV"})
    body = _write(writer)
    if len(body) < size:
        writer.add_metadata({"/Subject": "x" * (size - len(body) - 16)})
        body = _write(writer)
    return body


def _write(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf(size: int = 2000, name: str = "My CV.pdf", **active) -> SimpleUploadedFile:
    """An upload that is a PDF by its content, of about `size` bytes."""
    return SimpleUploadedFile(name, pdf_bytes(size, **active), content_type="application/pdf")


def pdf_with_open_action(action: str) -> bytes:
    """A PDF whose catalogue runs `action` ("/JavaScript" or "/Launch") when opened."""
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    kind = NameObject(action)
    payload = (
        {NameObject("/JS"): TextStringObject("app.alert(1)")}
        if action == "/JavaScript"
        else {NameObject("/F"): TextStringObject("calc.exe")}
    )
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {NameObject("/S"): kind, **payload}
    )
    return _write(writer)
