"""The CV check reads PDFs with pypdf: active content is found wherever it hides, and
no bytes make it fail in any way but "unreadable"."""

import contextlib
import io

from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from accounts.pdf import UnreadablePDF, active_content
from tests.support.files import pdf_bytes, pdf_with_open_action


def test_plain_pdf_has_no_active_content():
    assert active_content(io.BytesIO(pdf_bytes())) is None


def test_active_content_is_named():
    assert active_content(io.BytesIO(pdf_bytes(javascript="app.alert(1)"))) == "JavaScript"
    assert active_content(io.BytesIO(pdf_with_open_action("/Launch"))) == (
        "an action that starts a program"
    )
    assert active_content(io.BytesIO(pdf_bytes(embedded=b"x"))) == "embedded files"


def test_javascript_on_a_link_annotation_deep_in_a_page_is_found():
    writer = PdfWriter()
    page = writer.add_blank_page(width=612, height=792)
    action = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("x")}
    )
    annotation = DictionaryObject(
        {NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Link"),
         NameObject("/A"): writer._add_object(action)}
    )  # fmt: skip
    page[NameObject("/Annots")] = writer._add_object(ArrayObject([writer._add_object(annotation)]))
    out = io.BytesIO()
    writer.write(out)
    assert active_content(io.BytesIO(out.getvalue())) == "JavaScript"


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=3000))
def test_any_bytes_are_readable_or_unreadable_never_an_error(body):
    stream = io.BytesIO(b"%PDF-1.7\n" + body + b"\n%%EOF\n")
    with contextlib.suppress(UnreadablePDF):
        active_content(stream)
    assert stream.tell() == 0  # the upload is left at its start for storing
