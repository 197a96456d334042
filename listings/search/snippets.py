"""Snippets of search results: the matching passage of each listing's description as
students read it (the rendered Markdown as plain text, never its syntax), cut at word
boundaries, with "…" where text was left out, matches in <mark>."""

from __future__ import annotations

from django.contrib.postgres.search import SearchHeadline, SearchQuery
from django.db.models import Case, TextField, Value, When
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from listings.rendering import plain_text

from .query import SEARCH_CONFIG

# Private-use characters mark matches in snippets; listing text never keeps them
# (strip_marks on save), and highlight() pairs them so that the HTML stays whole.
_MARK_START, _MARK_STOP = "\ue000", "\ue001"
_NO_MARKS = str.maketrans("", "", _MARK_START + _MARK_STOP)


def strip_marks(text: str) -> str:
    """`text` without the snippet markers (a listing that typed them must not be able
    to open or close <mark> tags in search results)."""
    return text.translate(_NO_MARKS) if text else text


FRAGMENTS = " … "


def add_snippets(listings: list, query: SearchQuery) -> None:
    """Set `listing.snippet` on each listing: one query for the whole page."""
    if not listings:
        return
    texts = {listing.id: plain_text(listing.description) for listing in listings}
    text = Case(*[When(id=pk, then=Value(body)) for pk, body in texts.items()],
                output_field=TextField())  # fmt: skip
    headline = SearchHeadline(
        text, query, config=SEARCH_CONFIG, start_sel=_MARK_START, stop_sel=_MARK_STOP,
        max_words=30, min_words=12, max_fragments=2, fragment_delimiter=FRAGMENTS,
    )  # fmt: skip
    model = type(listings[0])
    found = dict(
        model._default_manager.filter(id__in=texts).annotate(h=headline).values_list("id", "h")
    )
    for listing in listings:
        listing.snippet = highlight(with_ellipses(found.get(listing.id) or "", texts[listing.id]))


def with_ellipses(snippet: str, text: str) -> str:
    """ "… " before a snippet that does not start where the text does, " …" after one
    that does not end where it does."""
    words = " ".join(strip_marks(snippet).split())
    if not words:
        return ""
    fragments = words.split(FRAGMENTS.strip())
    first, last = fragments[0].strip(), fragments[-1].strip()
    if not text.startswith(first[:60]):
        snippet = "… " + snippet.lstrip()
    if not text.rstrip().endswith(last[-60:]):
        snippet = snippet.rstrip() + " …"
    return snippet


def highlight(snippet: str) -> SafeString:
    """Escape the listing's own text, then turn the match markers into <mark>, only
    ever in pairs: a stray marker is dropped, an open one closed at the end."""
    pieces, inside = [], False
    for char in escape(snippet):
        if char == _MARK_START:
            if not inside:
                pieces.append("<mark>")
                inside = True
        elif char == _MARK_STOP:
            if inside:
                pieces.append("</mark>")
                inside = False
        else:
            pieces.append(char)
    if inside:
        pieces.append("</mark>")
    return mark_safe("".join(pieces))  # noqa: S308 - escaped just above; only our own tags
