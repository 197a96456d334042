"""Template filters for listing pages."""

from django import template
from django.http import QueryDict

from listings.rendering import render_markdown

register = template.Library()


@register.filter
def markdown(text: str):
    return render_markdown(text)


@register.filter
def field_named(form, name: str):
    """`form|field_named:name`: a bound field chosen by a variable."""
    return form[name]


@register.filter
def split(text: str):
    return text.split()


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with `changes` applied (for pagination links)."""
    query: QueryDict = context["request"].GET.copy()
    for key, value in changes.items():
        query[key] = value
    return query.urlencode()


@register.simple_tag(takes_context=True)
def query_without(context, *names) -> str:
    """The current query string without `names` (for links to the feed and JSON)."""
    query: QueryDict = context["request"].GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()
