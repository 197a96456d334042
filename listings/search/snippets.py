"""Snippets of search results: the matching passage of each listing's description
without its Markdown syntax (links keep their text; emphasis, code, heading, quote
and list markers go), cut at word boundaries, with "…" where text was left out,
matches in <mark>. Computed by PostgreSQL in the query that loads the page's rows."""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchHeadline, SearchQuery
from django.db import connections
from django.db.models import F, Func, TextField, Value
from django.db.models.sql import Query
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .query import SEARCH_CONFIG

# Private-use characters mark matches in snippets; listing text never keeps them
# (strip_marks on save), and highlight() pairs them so that the HTML stays whole.
_MARK_START, _MARK_STOP = "\ue000", "\ue001"
_NO_MARKS = str.maketrans("", "", _MARK_START + _MARK_STOP)
_MARKERS = re.compile(f"([{_MARK_START}{_MARK_STOP}])")


def strip_marks(text: str) -> str:
    """`text` without the snippet markers (a listing that typed them must not be able
    to open or close <mark> tags in search results)."""
    return text.translate(_NO_MARKS) if text else text


FRAGMENTS = " … "
# Markdown syntax to drop, the same in PostgreSQL (regexp_replace) and Python (re).
MARKDOWN_SYNTAX = [
    (r"\[([^]]*)\]\([^)]*\)", r"\1"),  # [text](link) -> text
    (r"(^|\n)[ \t]*(#{1,6}|>|[-+*]|[0-9]+[.)])[ \t]+", r"\1"),  # headings, quotes, lists
    (r"[*_`]+", ""),  # emphasis and code
]


def markdown_as_text(field: str = "description") -> Func:
    """The field without its Markdown syntax, as a database expression."""
    expression = F(field)
    for pattern, replacement in MARKDOWN_SYNTAX:
        expression = Func(
            expression, Value(pattern), Value(replacement), Value("g"),
            function="regexp_replace", output_field=TextField(),
        )  # fmt: skip
    return expression


def plain(text: str) -> str:
    """The same, in Python, with one space between words."""
    for pattern, replacement in MARKDOWN_SYNTAX:
        text = re.sub(pattern, replacement, text)
    return " ".join(text.split())


class _Headline(SearchHeadline):
    """Django's SearchHeadline quotes each option through a new database cursor every
    time it is compiled (2 ms of every search page); the options here never change,
    so they are quoted once."""

    _quoted: dict[tuple, str] = {}

    def as_sql(self, compiler, connection, function=None, template=None):
        key = (connection.vendor, *self.options.items())
        options = self._quoted.get(key)
        if options is None:
            options = ", ".join(
                connection.ops.compose_sql(f"{option}=%s", [value])
                for option, value in self.options.items()
            )
            self._quoted[key] = options
        sql, params = Func.as_sql(
            self, compiler, connection, function=function, template=template, options=", %s"
        )
        return sql, (*params, options)


def headline(query: SearchQuery) -> SearchHeadline:
    """The snippet of the description, matches between private markers."""
    return _Headline(
        markdown_as_text(), query, config=SEARCH_CONFIG, start_sel=_MARK_START,
        stop_sel=_MARK_STOP, max_words=30, min_words=12, max_fragments=2,
        fragment_delimiter=FRAGMENTS,
    )  # fmt: skip


def snippet_statement(model, ids: list[int], query: SearchQuery, using: str) -> tuple[str, list]:
    """The statement that `snippet_texts` runs for the listings of `ids`, compiled in
    the request's thread, so that the search thread running it only sends it: the
    ORM's query compiled there, beside the request's own loading of the rows,
    reached the database about 2 ms after the rows' query."""
    compiler = Query(model).get_compiler(using=using)
    sql, params = compiler.compile(headline(query).resolve_expression(compiler.query))
    quote = connections[using].ops.quote_name
    pk = quote(model._meta.pk.column)
    return (
        f"SELECT {pk}, {sql} FROM {quote(model._meta.db_table)} WHERE {pk} = ANY(%s)",  # noqa: S608
        [*params, list(ids)],
    )


def snippet_texts(using: str, statement: tuple[str, list]) -> dict[int, str]:
    """The snippet text (`headline`) of each listing of a `snippet_statement`, by id,
    in a query of its own: the search page runs it in a search thread while it
    loads the rows."""
    sql, params = statement
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)  # the ORM's compiled expression; values bound
        return dict(cursor.fetchall())


def snippet_of(listing) -> SafeString:
    """The listing's snippet (annotated as `snippet_text`), with ellipses, as HTML."""
    return highlight(with_ellipses(listing.snippet_text or "", plain(listing.description)))


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
    for piece in _MARKERS.split(escape(snippet)):  # text, and each marker on its own
        if piece == _MARK_START:
            if not inside:
                pieces.append("<mark>")
                inside = True
        elif piece == _MARK_STOP:
            if inside:
                pieces.append("</mark>")
                inside = False
        else:
            pieces.append(piece)
    if inside:
        pieces.append("</mark>")
    return mark_safe("".join(pieces))  # noqa: S308 - escaped just above; only our own tags
