"""Uploads for tests."""

from django.core.files.uploadedfile import SimpleUploadedFile


def pdf(size: int = 2000, name: str = "My CV.pdf") -> SimpleUploadedFile:
    """An upload that looks like a PDF by its content, of about `size` bytes."""
    body = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n"
    padding = max(0, size - len(body) - 7)
    return SimpleUploadedFile(
        name, body + b"%" * padding + b"\n%%EOF\n", content_type="application/pdf"
    )
