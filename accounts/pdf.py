"""What a CV may not carry: a PDF is read with pypdf and refused if it has active
content (JavaScript, actions that launch programs or open other documents on their
own, embedded files, rich media, forms that run scripts). Labs open these files."""

from __future__ import annotations

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

# Keys that hold active content wherever they appear in the document's objects. An
# /OpenAction or /AA that only shows a page is harmless (word processors write one);
# the actions they hold are judged by their type (/S) below.
ACTIVE_KEYS = {
    "/JS": "JavaScript",
    "/JavaScript": "JavaScript",
    "/EmbeddedFile": "embedded files",
    "/EmbeddedFiles": "embedded files",
    "/RichMedia": "embedded media",
    "/XFA": "a form that can run scripts",
}
# Action types (/S) that run or open something.
ACTIVE_ACTIONS = {
    "/JavaScript": "JavaScript",
    "/Launch": "an action that starts a program",
    "/ImportData": "an action that loads data",
    "/SubmitForm": "an action that sends data",
    "/GoToE": "an action that opens an embedded file",
    "/GoToR": "an action that opens another document",
}
MAX_OBJECTS = 100_000  # a CV has a few hundred; more is refused, not walked


class UnreadablePDF(Exception):
    """pypdf could not read the file as a PDF."""


def active_content(stream) -> str | None:
    """What active content the PDF in `stream` has ("JavaScript", ...), or None.
    Raises UnreadablePDF when it is not a readable PDF."""
    try:
        reader = PdfReader(stream, strict=False)
        if reader.is_encrypted:
            return "encryption (a lab could not open it)"
        reader.trailer["/Root"]  # noqa: B018 - a PDF without a catalogue is unreadable
        return _walk(reader.trailer, set())
    except UnreadablePDF:
        raise
    except Exception as error:  # untrusted bytes: whatever pypdf trips on, it is unreadable
        raise UnreadablePDF(str(error)) from error
    finally:
        stream.seek(0)


def _walk(start, seen: set) -> str | None:
    """Every object reachable from `start`, depth-first without recursion."""
    stack = [start]
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            key = (obj.idnum, obj.generation)
            if key in seen:
                continue
            seen.add(key)
            if len(seen) > MAX_OBJECTS:
                raise UnreadablePDF("too many objects")
            obj = obj.get_object()
        if isinstance(obj, DictionaryObject):
            for name, value in obj.items():
                if name in ACTIVE_KEYS:
                    return ACTIVE_KEYS[name]
                if name == "/S" and isinstance(value, NameObject) and value in ACTIVE_ACTIONS:
                    return ACTIVE_ACTIONS[value]
                if name == "/Type" and value == "/EmbeddedFile":
                    return ACTIVE_KEYS["/EmbeddedFile"]
                if name != "/Parent":  # parents lead back up the page tree
                    stack.append(value)
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
    return None
