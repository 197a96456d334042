"""Template filters for listing pages."""

from django import template
from django.http import QueryDict

from listings.rendering import render_markdown

register = template.Library()


@register.filter
def markdown(text: str):
    return render_markdown(text)


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with `changes` applied (for pagination links)."""
    query: QueryDict = context["request"].GET.copy()
    for key, value in changes.items():
        query[key] = value
    return query.urlencode()
