"""Markdown is rendered, and anything active in it is made inert."""

import re

import pytest
from django.urls import reverse
from django.utils.safestring import mark_safe

from listings.rendering import render_markdown
from tests.support.factories import PublishedListingFactory


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](data:text/html;base64,PHNjcmlwdD4=)",
        '<a href="https://x.org" onclick="alert(1)">x</a>',
        "<img src=x onerror=alert(1)>",
        '<div onmouseover="alert(1)">hover</div>',
        "![x](https://x.org/a.png)",
        '<iframe src="https://evil.example"></iframe>',
        "[x](vbscript:msgbox(1))",
    ],
)
def test_active_content_is_inert(source):
    html = str(render_markdown(source))
    # Whatever remains may show as text, but no tag may carry active content.
    for tag in re.findall(r"<[^>]+>", html):
        lowered = tag.lower()
        assert re.match(r"</?(p|a|strong|em|code|pre|ul|ol|li|h[3-6]|br|hr|blockquote)\b", lowered)
        assert not re.search(r"\son\w+\s*=", lowered)
        for scheme in ("javascript:", "vbscript:", "data:"):
            assert scheme not in lowered


def test_markdown_is_rendered():
    html = str(render_markdown("# Role\n\n**Bold** and [site](https://lab.example.edu)\n\n- one"))
    assert "<h3>Role</h3>" in html  # page headings come first, so listing headings start at h3
    assert "<strong>Bold</strong>" in html
    assert 'href="https://lab.example.edu"' in html and 'rel="nofollow noopener' in html
    assert "<li>one</li>" in html


@pytest.mark.django_db
def test_listing_page_renders_markdown_safely(client):
    listing = PublishedListingFactory(
        title="<b>Bold title</b>",
        description="**Real** text <script>alert('x')</script> [x](javascript:alert(1))",
    )
    page = client.get(reverse("listings:listing_detail", args=[listing.pk])).content.decode()
    assert "<strong>Real</strong>" in page
    assert "<script>alert" not in page
    assert 'href="javascript:' not in page
    assert "&lt;b&gt;Bold title&lt;/b&gt;" in page


class _Parsed:
    """The start tags (with sorted attributes) and texts of some HTML, in order."""

    def __init__(self, html):
        from html.parser import HTMLParser

        self.parts = []
        parser = HTMLParser()
        parser.handle_starttag = lambda tag, attrs: self.parts.append((tag, sorted(attrs, key=str)))
        parser.handle_data = lambda data: data.strip() and self.parts.append(data.strip())
        parser.feed(html)


def _bound_search_field(name, params):
    from django.test import RequestFactory

    from listings.filters import ListingFilter
    from listings.models import Listing

    listing_filter = ListingFilter(
        RequestFactory().get("/listings/", params).GET, queryset=Listing.objects.none()
    )
    listing_filter.is_valid()
    return listing_filter.form[name]


@pytest.mark.parametrize(
    "name, params, selected",
    [("state", {}, [""]), ("state", {"state": "MA"}, ["MA"]), ("state", {"state": "ZZ"}, []),
     ("sort", {"q": "pcr"}, []), ("sort", {"q": "pcr", "sort": "pay"}, ["pay"]),
     ("sort", {"sort": "zz"}, [])],
)  # fmt: skip
def test_the_quick_selects_write_what_djangos_select_does(name, params, selected, db):
    """The same elements, attributes and selection as Django's template-rendered
    Select, including the error attributes of an invalid value."""
    from django import forms

    from listings.filters import QuickSelect

    field = _bound_search_field(name, params)
    assert isinstance(field.field.widget, QuickSelect)
    quick = str(field)
    field.field.widget = forms.Select(choices=field.field.choices)
    assert _Parsed(quick).parts == _Parsed(str(field)).parts
    chosen = [dict(attrs)["value"] for tag, attrs in _Parsed(quick).parts[1::2]
              if tag == "option" and "selected" in dict(attrs)]  # fmt: skip
    assert chosen == selected


@pytest.mark.parametrize(
    "name, params, value",
    [("q", {}, None), ("q", {"q": 'pcr "blood draw" <b>&'}, 'pcr "blood draw" <b>&'),
     ("q", {"q": "x" * 201}, "x" * 201), ("city", {"city": "Saint-Étienne"}, "Saint-Étienne"),
     ("hours_max", {"hours_max": "8"}, "8"), ("hours_max", {"hours_max": "999"}, "999"),
     ("deadline_within", {}, None), ("posted_within", {"posted_within": "7"}, "7"),
     ("inquiries", {}, None), ("inquiries", {"inquiries": "on"}, None)],
)  # fmt: skip
def test_the_quick_inputs_write_what_djangos_inputs_do(name, params, value, db):
    """The same element and attributes as Django's template-rendered input of the
    same kind: type, name, the value typed (escaped), limits, ids, the error
    attributes of an invalid value, and the tick of a checked box."""
    from listings.filters import QuickInput

    field = _bound_search_field(name, params)
    assert isinstance(field.field.widget, QuickInput)
    quick = str(field)
    django_kind = next(k for k in type(field.field.widget).__mro__[1:] if k is not QuickInput)
    field.field.widget.__class__ = django_kind
    assert _Parsed(quick).parts == _Parsed(str(field)).parts
    attrs = dict(_Parsed(quick).parts[0][1])
    assert attrs.get("value") == value
    assert ("aria-invalid" in attrs) == bool(field.errors)
    if name == "inquiries":
        assert ("checked" in attrs) == bool(params)


@pytest.mark.parametrize(
    "params, ticked, invalid",
    [({}, [], False), ({"certs": ["hipaa", "none"]}, ["hipaa", "none"], False),
     ({"certs": "bogus"}, [], True)],
)  # fmt: skip
def test_the_quick_certification_checkboxes_write_what_the_template_did(
    params, ticked, invalid, db
):
    """Each option in <div class="check"> with its label: the same elements, ids,
    ticks and error attributes as Django's checkboxes in the template's loop."""
    from django import forms
    from django.template import engines

    from listings.filters import QuickCheckboxes

    field = _bound_search_field("certs", params)
    assert isinstance(field.field.widget, QuickCheckboxes)
    quick = str(field)
    field.field.widget = forms.CheckboxSelectMultiple(choices=field.field.choices)
    django_loop = engines["django"].from_string(
        '{% for choice in field %}<div class="check">{{ choice.tag }} <label for="'
        '{{ choice.id_for_label }}">{{ choice.choice_label }}</label></div>{% endfor %}'
    )
    assert _Parsed(quick).parts == _Parsed(django_loop.render({"field": field})).parts
    inputs = [dict(part[1]) for part in _Parsed(quick).parts if part[0] == "input"]
    assert [each["value"] for each in inputs if "checked" in each] == ticked
    assert [each["id"] for each in inputs] == [f"id_certs_{n}" for n in range(len(inputs))]
    assert len(inputs) > 1 and all(("aria-invalid" in each) == invalid for each in inputs)


@pytest.mark.parametrize("zone", ["UTC", "America/Chicago", "Asia/Kolkata"])
def test_the_card_date_filters_write_what_djangos_date_filter_does(zone):
    """`iso` and `short_date` give the date filter's text for "c", "Y-m-d" and
    "M j, Y", in the current time zone (a moment near midnight changes day there)."""
    import datetime
    import zoneinfo

    from django.template import engines
    from django.utils import timezone

    moments = [
        datetime.datetime(2027, month, day, hour, 30, tzinfo=datetime.UTC)
        for month, day, hour in [(1, 5, 3), (5, 31, 23), (9, 1, 0), (12, 31, 22)]
    ]
    days = [moment.date() for moment in moments]
    template = engines["django"].from_string(
        "{% load listing_tags %}{{ m|iso }}|{{ m|short_date }}|{{ d|iso }}|{{ d|short_date }}"
    )
    expected_template = engines["django"].from_string(
        "{{ m|date:'c' }}|{{ m|date:'M j, Y' }}|{{ d|date:'Y-m-d' }}|{{ d|date:'M j, Y' }}"
    )
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        for moment, day in zip(moments, days, strict=True):
            context = {"m": moment, "d": day}
            assert template.render(context) == expected_template.render(context)
        assert template.render({"m": None, "d": None}) == "|||"


def test_the_facet_checkboxes_write_what_format_html_did():
    """Written with the standard library's escape for speed: the same HTML as
    Django's format_html, for labels and values with markup, quotes and ampersands,
    a lazy (translated) label and an estimate's count."""
    from django.utils.html import format_html_join
    from django.utils.translation import gettext_lazy

    from listings.search.facets import FacetOption
    from listings.templatetags.listing_tags import facet_checkboxes

    options = [
        FacetOption("a&b", 'Smith & Jones "<Lab>"', 12, True),
        FacetOption("o'brien", "O'Brien's <script>x</script>", None, False),
        FacetOption(7, gettext_lazy("Paid"), 1234, False, approximate=True),
        FacetOption("z", "Zero", 0, False),
    ]
    before = format_html_join(
        "",
        '<div class="check"><input type="checkbox" name="{0}" value="{1}" id="f-{0}-{2}"{3}>'
        ' <label for="f-{0}-{2}">{4} <span class="count" data-count-for="{0}:{1}">{5}</span>'
        "</label></div>",
        (
            (name, option.value, number, mark_safe(" checked") if option.selected else "",
             option.label, f"({option.count_label})" if option.count_label else "")
            for number, option in enumerate(options, start=1)
            for name in ["inst<"]
        ),
    )  # fmt: skip
    assert facet_checkboxes("inst<", options) == before
    assert "<script>" not in facet_checkboxes("inst<", options)


# The listing card as its template wrote it, before the card was written directly
# (listing_tags.listing_card): the reference the tag must match.
_CARD_TEMPLATE = """{% load listing_tags %}
<article class="card" aria-labelledby="listing-{{ listing.pk }}-title">
  <h3 class="card-title" id="listing-{{ listing.pk }}-title"><a href="{{ listing.get_absolute_url }}">{{ listing.title }}</a></h3>
  <p class="card-lab">{{ listing.lab.name }} · {{ listing.lab.institution.name }} · {{ listing.lab.location }}</p>
  <ul class="tags" aria-label="Role types">
    {% for role_type in listing.role_types.all %}<li class="tag">{{ role_type.name }}</li>{% endfor %}
  </ul>
  <dl class="facts">
    <div><dt>Pay</dt><dd>{{ listing.get_compensation_display }}{% if listing.pay_rate %} · ${{ listing.pay_rate }}/h{% endif %}</dd></div>
    <div><dt>Hours</dt><dd>{{ listing.hours_label }}</dd></div>
    <div><dt>Where</dt><dd>{{ listing.get_work_mode_display }}</dd></div>
    <div><dt>Deadline</dt><dd>{% if listing.deadline %}<time datetime="{{ listing.deadline|iso }}">{{ listing.deadline|short_date }}</time> <span class="hint">({{ listing.deadline|closes_in }})</span>{% else %}Rolling{% endif %}</dd></div>
  </dl>
  {% if listing.snippet %}<p class="snippet">{{ listing.snippet }}</p>{% endif %}
  {% if show_save %}<div class="card-actions">{% include "listings/_save_button.html" with application=listing.student_application %}</div>{% endif %}
  {% if listing.published_at %}<p class="card-posted">Posted <time datetime="{{ listing.published_at|iso }}" title="{{ listing.published_at|short_date }}">{{ listing.published_at|days_ago }}</time></p>{% endif %}
</article>"""  # noqa: E501


@pytest.mark.django_db
@pytest.mark.parametrize("zone", ["UTC", "Pacific/Kiritimati"])
def test_the_listing_card_writes_what_its_template_did(zone):
    """Text with markup, quotes and ampersands escaped; pay with and without a rate;
    a deadline or none; a search's snippet (HTML) or none; a draft never published;
    the save button of a student with nothing, a saved and an applied listing; the
    posting time in the current time zone."""
    import datetime
    import zoneinfo

    from django.template import engines
    from django.utils import timezone

    from listings.models import Compensation, Listing
    from listings.templatetags.listing_tags import listing_card
    from tests.support.factories import (
        ApplicationFactory,
        LabFactory,
        ListingFactory,
        SubmittedApplicationFactory,
        role_type,
    )

    lab = LabFactory(name='Smith & Jones "<Lab>"', institution__name="O'Brien <U>", region="")
    listings = [
        PublishedListingFactory(
            lab=lab, title="<b>Blood</b> & 'draws'", compensation=Compensation.PAID,
            pay_rate="18.50", deadline=timezone.localdate() + datetime.timedelta(days=3),
            published_at=timezone.now().replace(hour=23, minute=50),
            role_types=[role_type(), role_type("phlebotomist")],
        ),
        PublishedListingFactory(deadline=None, role_types=[], hours_min=8, hours_max=8),
        ListingFactory(hours_min=None, hours_max=None),  # a draft: not published, no hours
    ]  # fmt: skip
    saved = ApplicationFactory(listing=listings[0])
    applied = SubmittedApplicationFactory(listing=listings[1])
    reference = engines["django"].from_string(_CARD_TEMPLATE)
    cases = [
        (listings[0], {"snippet": mark_safe("… the <mark>blood</mark> &amp; more …")}, False),
        (listings[0], {"student_application": saved}, True),
        (listings[1], {"student_application": applied}, True),
        (listings[2], {"student_application": None}, True),
        (listings[2], {}, False),
    ]
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        for listing, extra, show_save in cases:
            card = Listing.objects.with_card_data().get(pk=listing.pk)
            for name, value in extra.items():
                setattr(card, name, value)
            written = listing_card(card, show_save=show_save)
            expected = reference.render({"listing": card, "show_save": show_save})
            assert _Parsed(written).parts == _Parsed(expected).parts
            assert "<b>" not in written and "<Lab>" not in written


@pytest.mark.django_db
def test_a_cards_listing_address_is_the_listings_own_under_any_script_prefix():
    """The card writes a listing's address without resolving the URL pattern each time:
    the same address as get_absolute_url(), also for a site served under a prefix."""
    from django.urls import get_script_prefix, set_script_prefix

    from listings.templatetags.listing_tags import listing_url

    listing = PublishedListingFactory()
    assert listing_url(listing.pk) == listing.get_absolute_url() == f"/listings/{listing.pk}/"
    before = get_script_prefix()
    set_script_prefix("/board/")
    try:
        assert listing_url(listing.pk) == listing.get_absolute_url()
        assert listing_url(7) == "/board/listings/7/"
    finally:
        set_script_prefix(before)
    assert listing_url(7) == "/listings/7/"
