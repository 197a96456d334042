"""Listing and lab Markdown to safe HTML: CommonMark without raw HTML, then sanitised."""

import re
from functools import cache
from html import unescape

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "code", "pre", "blockquote", "a",
    "ul", "ol", "li", "h3", "h4", "h5", "h6",
}  # fmt: skip
# Headings in a listing start at h3: the page's own h1 and h2 come first.
_HEADING_SHIFT = {"h1": "h3", "h2": "h4", "h3": "h5", "h4": "h6", "h5": "h6", "h6": "h6"}


@cache
def _parser() -> MarkdownIt:
    # "html": False writes any raw HTML in the source out as text; nh3 then removes
    # whatever a crafted link or image could still smuggle in.
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).disable("image")


def render_markdown(text: str) -> SafeString:
    """Render `text` as Markdown; links keep only http, https and mailto targets."""
    if not text:
        return mark_safe("")  # noqa: S308 - a constant empty string
    parser = _parser()
    tokens = parser.parse(text)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = _HEADING_SHIFT[token.tag]
    html = parser.renderer.render(tokens, parser.options, {})
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer ugc",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above


_BLOCK_ENDS = re.compile(r"</(?:p|li|h[3-6]|blockquote|pre)>|<br\s*/?>|<hr\s*/?>")


def plain_text(text: str) -> str:
    """The Markdown as a reader sees it, as plain text: no syntax, blocks apart, one
    space between words (for search snippets)."""
    html = _BLOCK_ENDS.sub(" ", str(render_markdown(text)))
    return " ".join(unescape(nh3.clean(html, tags=set())).split())
