"""Template filters for listing pages."""

import functools
import html

from django import template
from django.http import QueryDict
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.formats import localize
from django.utils.safestring import mark_safe

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


@register.simple_tag
def facet_checkboxes(name: str, options) -> str:
    """The checkboxes of one facet with their counts (search.facets.FacetOption): the
    search page shows about 70 of them (500 with the institutions of a national
    board), so they are written with the standard library's escape, which Django's
    escape calls: format_html's lazy-text checks took 20 ms a page for 416
    institutions."""
    name = escape(name)
    return mark_safe(  # noqa: S308 - _checkbox escapes every value
        "".join(_checkbox(name, number, option) for number, option in enumerate(options, 1))
    )


def _checkbox(name: str, number: int, option) -> str:
    """One facet option's checkbox (`name` escaped already)."""
    value = escape(option.value)
    checked = " checked" if option.selected else ""
    count = f"({escape(option.count_label)})" if option.count_label else ""
    return (
        f'<div class="check"><input type="checkbox" name="{name}" value="{value}"'
        f' id="f-{name}-{number}"{checked}> <label for="f-{name}-{number}">'
        f'{escape(option.label)} <span class="count" data-count-for="{name}:{value}">'
        f"{count}</span></label></div>"
    )


def escape(text) -> str:
    """`text` for HTML, as django.utils.html.escape writes it (for plain strings)."""
    return html.escape(str(text), quote=True)


@register.filter
def days_ago(moment) -> str:
    """ "today", "yesterday", "3 days ago", "5 weeks ago": when a listing was posted."""
    if not moment:
        return ""
    days = (timezone.localdate() - timezone.localtime(moment).date()).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 14:
        return f"{days} days ago"
    return f"{days // 7} weeks ago"


@register.filter
def closes_in(deadline) -> str:
    """ "closes today", "closes tomorrow", "closes in 5 days", "closed": a deadline."""
    if not deadline:
        return ""
    days = (deadline - timezone.localdate()).days
    if days < 0:
        return "closed"
    if days == 0:
        return "closes today"
    if days == 1:
        return "closes tomorrow"
    return f"closes in {days} days"


# The date filter parses its format on every call: a third of a listing card's time.
# These two give the same text for the formats cards use, directly.
@register.filter(expects_localtime=True)
def iso(moment) -> str:
    """`date:"c"` of a datetime, `date:"Y-m-d"` of a date (in the current time zone,
    as the date filter has it): a <time> element's datetime."""
    return moment.isoformat() if moment else ""


@register.filter(expects_localtime=True)
def short_date(moment) -> str:
    """`date:"M j, Y"`: "Jan 5, 2027"."""
    return f"{MONTHS_3[moment.month].title()} {moment.day}, {moment.year}" if moment else ""


# A pk no listing has, to find where the pk goes in a listing's address
_PK_SENTINEL = 2_147_483_647


@functools.cache
def _listing_url_around(script_prefix: str, urlconf) -> tuple[str, str]:
    """What comes before and after the pk in a listing's address, for the site's
    script prefix and URLconf of the moment."""
    url = reverse("listings:listing_detail", kwargs={"pk": _PK_SENTINEL}, urlconf=urlconf)
    before, _, after = url.partition(str(_PK_SENTINEL))
    return before, after


def listing_url(pk: int) -> str:
    """`Listing.get_absolute_url()`, without resolving the URL pattern for each card
    (20 reverse() calls took 1-1.5 ms of every search page)."""
    before, after = _listing_url_around(get_script_prefix(), get_urlconf())
    return f"{before}{int(pk)}{after}"


@register.simple_tag
def listing_card(listing, show_save=False) -> str:
    """A listing's card (title, lab, role types, facts, snippet, save button), as the
    search page, the home page and a lab's page list them. Written here, not by a
    template for each card: the template took 6-7 ms of every search page of 20
    cards, a quarter of a page served from the cache. Text is escaped as the template
    engine escapes it; the snippet (search.snippets) is HTML already."""
    pk = listing.pk
    lab = listing.lab
    tags = "".join(f'<li class="tag">{escape(name)}</li>' for name in listing.role_names)
    pay = escape(listing.get_compensation_display())
    if listing.pay_rate:
        pay += f" · ${escape(localize(listing.pay_rate))}/h"
    if listing.deadline:
        deadline = (
            f'<time datetime="{iso(listing.deadline)}">{short_date(listing.deadline)}</time>'
            f' <span class="hint">({closes_in(listing.deadline)})</span>'
        )
    else:
        deadline = "Rolling"
    requires = ""  # a search's listings only: their required certifications
    if needs := getattr(listing, "certification_names", None):
        requires = f"<div><dt>Requires</dt><dd>{escape(', '.join(needs))}</dd></div>"
    snippet = getattr(listing, "snippet", "")  # a search's listings only
    if snippet:
        snippet = f'<p class="snippet">{snippet}</p>'
    save = ""
    if show_save:
        button = render_to_string(
            "listings/_save_button.html",
            {"listing": listing, "application": getattr(listing, "student_application", None)},
        )
        save = f'<div class="card-actions">{button}</div>'
    posted = ""
    if listing.published_at:
        published = timezone.localtime(listing.published_at)
        posted = (
            f'<p class="card-posted">Posted <time datetime="{iso(published)}"'
            f' title="{short_date(published)}">{days_ago(published)}</time></p>'
        )
    return mark_safe(  # noqa: S308 - every text is escaped, the snippet is HTML already
        f'<article class="card" aria-labelledby="listing-{pk}-title">'
        f'<h3 class="card-title" id="listing-{pk}-title">'
        f'<a href="{escape(listing_url(pk))}">{escape(listing.title)}</a></h3>'
        f'<p class="card-lab">{escape(lab.name)} · {escape(lab.institution.name)} · '
        f"{escape(lab.location)}</p>"
        f'<ul class="tags" aria-label="Role types">{tags}</ul>'
        f'<dl class="facts"><div><dt>Pay</dt><dd>{pay}</dd></div>'
        f"<div><dt>Hours</dt><dd>{escape(listing.hours_label)}</dd></div>"
        f"<div><dt>Where</dt><dd>{escape(listing.get_work_mode_display())}</dd></div>"
        f"<div><dt>Deadline</dt><dd>{deadline}</dd></div>{requires}</dl>"
        f"{snippet}{save}{posted}</article>"
    )
