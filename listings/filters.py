"""URL parameters of the search page, feed and JSON API: one django-filter FilterSet.

Every value is validated by the filter's form field; an invalid one is reported
beside its control and ignored, while the other filters still apply."""

import copy
import hashlib
from datetime import timedelta

import django_filters
from django import forms
from django.conf import settings
from django.core.cache import caches
from django.db.models import Q
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django_filters.filters import FilterMethod

from accounts.models import Program

from .models import Compensation, Lab, Schedule, WorkMode
from .search.catalogue import get_catalogue
from .search.counts import planned_rows_each
from .search.page import SORTS
from .search.places import US_STATES
from .search.query import phrase_filter
from .search.understand import HOURS_MOST

STATES = sorted(US_STATES.items(), key=lambda state: state[1])

CHECKBOXES = forms.CheckboxSelectMultiple


class QuickSelect(forms.Select):
    """A select box written directly, not through a template per option: the 52
    states took 3.9 ms of every search page that way, 0.2 ms this way. Same markup
    and attributes (id, name, required, aria-describedby from the bound field)."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "", '<option value="{}"{}>{}</option>',
            ((key, " selected" if str(key) in chosen else "", label)
             for key, label in self.choices),
        )  # fmt: skip
        final = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        return format_html("<select{}>{}</select>", flatatt(final), options)


class QuickCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes written directly, each in `<div class="check">` with its label, as
    the search page shows them: through the template of each option they took 2 ms
    of every search page. Same markup and attributes as Django's (id_<name>_<n>,
    aria-invalid when the field has an error)."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(v) for v in self.format_value(value)}
        final = self.build_attrs(self.attrs, attrs)
        base_id = final.pop("id", None) or f"id_{name}"
        return format_html_join(
            "", '<div class="check"><input type="checkbox" name="{}" value="{}" id="{}"{}{}>'
            ' <label for="{}">{}</label></div>',
            ((name, key, f"{base_id}_{number}", flatatt(final),
              " checked" if str(key) in chosen else "", f"{base_id}_{number}", label)
             for number, (key, label) in enumerate(self.choices)),
        )  # fmt: skip


class QuickInput:
    """An <input> written directly, not through Django's input template (the six of a
    search page took 1.1 ms that way, 0.3 ms this way). The same markup: type, name,
    value when there is one, then the attributes (a true one bare, a false one left
    out), ticked when checked."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        shown = "" if widget["value"] is None else format_html(' value="{}"', widget["value"])
        return format_html(
            '<input type="{}" name="{}"{}{}>', widget["type"], name, shown, flatatt(widget["attrs"])
        )


class QuickTextInput(QuickInput, forms.TextInput):
    pass


class QuickNumberInput(QuickInput, forms.NumberInput):
    pass


class QuickCheckboxInput(QuickInput, forms.CheckboxInput):
    pass


# A search's words are checked on its place's listings instead of looked up in the word
# index when they match more than this many times as many listings (ListingFilter.
# _place_is_narrower). At 100,000 listings, from 16 times ("phlebotomist boston",
# "lab chicago") checking won by 8-35 ms; at 6-11 times (a city twice as large, or
# narrower words) the index won by up to 14 ms, and by 17-25 ms for rare words.
WORDS_PER_PLACE_LISTING = 12

# No lab has this id (ids start at 1): a place with no lab filters to nothing, and an
# empty IN list would make the query impossible to write (Django's EmptyResultSet).
NO_LAB = 0


def _role_choices():
    return get_catalogue().role_types


def _institution_choices():
    return get_catalogue().institutions


def _certification_choices():
    return [*get_catalogue().certifications, ("none", "None required")]


def _ids(kind: str, slugs) -> list[int]:
    """Ids of validated slugs (one deleted since the choices were read matches nothing)."""
    ids = get_catalogue().ids
    return [ids[(kind, slug)] for slug in slugs if (kind, slug) in ids]


class ListingFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Keywords",
        method="filter_text",
        max_length=200,
        widget=QuickTextInput(
            attrs={"type": "search", "placeholder": "e.g. phlebotomy, PCR, “blood draw”"}
        ),
    )
    role = django_filters.MultipleChoiceFilter(
        label="Role type", choices=_role_choices, method="filter_role", widget=CHECKBOXES
    )
    # distinct=False: a column of the listing itself never repeats a row, and DISTINCT
    # made counting the results sort every listing (120 ms at 100k).
    comp = django_filters.MultipleChoiceFilter(
        label="Compensation", choices=Compensation.choices, field_name="compensation",
        widget=CHECKBOXES, distinct=False,
    )  # fmt: skip
    schedule = django_filters.MultipleChoiceFilter(
        label="Schedule", choices=Schedule.choices, method="filter_overlap", widget=CHECKBOXES,
        field_name="schedules",
    )  # fmt: skip
    mode = django_filters.MultipleChoiceFilter(
        label="Where", choices=WorkMode.choices, field_name="work_mode", widget=CHECKBOXES,
        distinct=False,
    )  # fmt: skip
    # Schedules and ways of working the words refuse ("no weekends", "not remote":
    # search.understand), left out. Not in the filters panel: the words say it, and
    # its chip takes them back out.
    schedule_not = django_filters.MultipleChoiceFilter(
        label="Not on", choices=Schedule.choices, method="filter_not_overlap",
        field_name="schedules",
    )  # fmt: skip
    mode_not = django_filters.MultipleChoiceFilter(
        label="Not", choices=WorkMode.choices, method="filter_not_in", field_name="work_mode"
    )
    # Certifications the words refuse ("no BLS required"): listings requiring any of
    # them are left out
    certs_not = django_filters.MultipleChoiceFilter(
        label="Not requiring", choices=lambda: get_catalogue().certifications,
        method="filter_certs_not",
    )  # fmt: skip
    level = django_filters.MultipleChoiceFilter(
        label="Student level", choices=Program.choices, method="filter_overlap",
        field_name="levels", widget=CHECKBOXES,
    )  # fmt: skip
    institution = django_filters.MultipleChoiceFilter(
        label="Institution", choices=_institution_choices, method="filter_institution",
        widget=CHECKBOXES,
    )  # fmt: skip
    city = django_filters.CharFilter(
        label="City", method="filter_lab_place", field_name="city__unaccent__iexact",
        max_length=100, widget=QuickTextInput,
    )  # fmt: skip
    state = django_filters.ChoiceFilter(
        label="State",
        method="filter_lab_place",
        field_name="region__iexact",
        choices=STATES,
        empty_label="Any state",
        widget=QuickSelect,
    )
    hours_max = django_filters.NumberFilter(
        label="At most hours a week", field_name="hours_min", lookup_expr="lte",
        min_value=1, max_value=HOURS_MOST, widget=QuickNumberInput,
    )  # fmt: skip
    certs = django_filters.MultipleChoiceFilter(
        label="Certifications I hold", choices=_certification_choices, method="filter_certs",
        widget=QuickCheckboxes,
    )  # fmt: skip
    deadline_within = django_filters.NumberFilter(
        label="Deadline within (days)", method="filter_deadline_within", min_value=0,
        max_value=366, widget=QuickNumberInput,
    )  # fmt: skip
    posted_within = django_filters.NumberFilter(
        label="Posted within (days)", method="filter_posted_within", min_value=0,
        max_value=366, widget=QuickNumberInput,
    )  # fmt: skip
    anywhere = django_filters.BooleanFilter(
        label="Search everywhere (a city in the words stays a word)",
        method="keep",
        widget=forms.HiddenInput,
    )
    inquiries = django_filters.BooleanFilter(
        label="Labs open to inquiries", method="filter_inquiries", widget=QuickCheckboxInput
    )
    sort = django_filters.ChoiceFilter(
        label="Sort by",
        choices=list(SORTS.items()),
        method="keep",
        empty_label=None,
        widget=QuickSelect,
    )

    def __init__(self, data=None, *args, **kwargs):
        # Without words there is nothing to rank by: the results are newest first, and
        # the sort box says so (not "Relevance").
        no_words = data is not None and not (data.get("q") or "").strip()
        if no_words and data.get("sort", "relevance") == "relevance":
            data = data.copy()
            data["sort"] = "newest"
        super().__init__(data, *args, **kwargs)

    def get_form_class(self):
        """The form's class, made once a process. django-filter makes a class for
        every FilterSet, from fields it makes anew for each (0.4 ms of every search
        page, feed and API answer). The fields hold nothing of a request: the
        catalogue's choices are callables, read when the form validates or renders."""
        made = type(self).__dict__.get("_made_form_class")
        if made is None:
            made = super().get_form_class()
            type(self)._made_form_class = made
        return made

    def filter_text(self, queryset, name, value):
        return queryset.search(value, indexed=not self._place_is_narrower(queryset, value))

    def words_use_index(self) -> bool:
        """Whether the search's words are looked up in the word index: it has words,
        no phrase (found by its pairs' index) and no place with far fewer listings than
        they match (checked on the place's listings, _place_is_narrower). Known once
        the filters ran."""
        words = (self.form.cleaned_data.get("q") or "").strip()
        if not words or phrase_filter(words) is not None:
            return False
        return not self.__dict__.get("_narrower_place", {}).get(words, False)

    def _place_is_narrower(self, queryset, words: str) -> bool:
        """Whether the search's city or state holds far fewer listings than its words
        match (the planner's estimates, asked once a page for each set of words):
        the words are then checked on the place's listings, not also looked up in
        the word index. "phlebotomist boston" at 100,000 listings: the index listed
        the 56,000 with the word or a synonym (six words, a phrase among them), to be
        combined with Boston's 4,300 (counts 29 ms, ranking 35 ms); checked on
        Boston's listings, 16 and 14 ms. Rare words keep the index ("apheresis
        houston": 4 and 2 ms, against 21 and 21 ms checked on Houston's 6,400).
        The answer is kept with the search's counts (the search cache), so a page
        served from there asks no plan."""
        known = self.__dict__.setdefault("_narrower_place", {})
        if words not in known:
            cleaned = self.form.cleaned_data
            labs = None
            for name in ("city", "state"):
                if cleaned.get(name):
                    found = set(self._labs_at(self.filters[name].field_name, cleaned[name]))
                    labs = found if labs is None else labs & found
            known[words] = bool(labs) and self._words_outnumber(queryset, words, sorted(labs))
        return known[words]

    @staticmethod
    def _words_outnumber(queryset, words: str, labs: list[int]) -> bool:
        key = "narrower:" + hashlib.sha256(f"{words}|{labs}".encode()).hexdigest()
        cache = caches["search"]
        answer = cache.get(key)
        if answer is None:
            at_place, with_words = planned_rows_each(
                queryset.filter(lab_id__in=labs), queryset.search(words)
            )
            answer = with_words > WORDS_PER_PLACE_LISTING * at_place
            cache.set(key, answer, settings.SEARCH_CACHE_SECONDS)
        return answer

    def filter_role(self, queryset, name, value):
        # The trigger-kept copy of the listing's role type ids: no join, no duplicates.
        ids = _ids("role", value)
        return queryset.filter(facet_role_type_ids__overlap=ids)

    def filter_institution(self, queryset, name, value):
        return queryset.filter(facet_institution_id__in=_ids("institution", value))

    def filter_overlap(self, queryset, name, value):
        return queryset.filter(**{f"{name}__overlap": list(value)})

    def filter_not_overlap(self, queryset, name, value):
        return queryset.exclude(**{f"{name}__overlap": list(value)})

    def filter_not_in(self, queryset, name, value):
        return queryset.exclude(**{f"{name}__in": list(value)})

    def filter_certs(self, queryset, name, value):
        """Listings whose required certifications are all among those chosen: the
        trigger-kept copy of their ids (migration 0027), contained in the chosen ones.
        A look-up of each listing's certifications instead cost 20-30 ms a sample of
        8,000 listings, and more than the rest of the search at a million."""
        held = _ids("cert", [slug for slug in value if slug != "none"])
        return queryset.filter(facet_certification_ids__contained_by=held)

    def filter_certs_not(self, queryset, name, value):
        return queryset.exclude(facet_certification_ids__overlap=_ids("cert", value))

    def filter_deadline_within(self, queryset, name, value):
        today = timezone.localdate()
        return queryset.filter(
            deadline__gte=today, deadline__lte=today + timedelta(days=int(value))
        )

    def filter_posted_within(self, queryset, name, value):
        return queryset.filter(published_at__gte=timezone.now() - timedelta(days=int(value)))

    def filter_lab_place(self, queryset, name, value):
        """Listings of the labs in a city or state. The labs are looked up first (a
        small table), so that PostgreSQL filters listings by their own lab column:
        with a join it misjudged how many listings a city has and counted a
        million-listing board exactly (0.5 s for "research chicago")."""
        return queryset.filter(lab_id__in=self._labs_at(name, value))

    def _labs_at(self, name: str, value: str) -> list[int]:
        """The ids of the labs in a city or state (one query a page)."""
        found = self.__dict__.setdefault("_labs_by_place", {})
        if (name, value) not in found:
            place = Q(**{name: value})
            if name == "region__iexact":  # labs write their state as "TX" or "Texas"
                place |= Q(region__unaccent__iexact=US_STATES[value])
            labs = Lab.objects.filter(place).values_list("id", flat=True)
            found[(name, value)] = list(labs) or [NO_LAB]
        return found[(name, value)]

    def filter_inquiries(self, queryset, name, value):
        # Ticked: only labs that welcome students' messages (they may also have listings).
        return queryset.filter(lab__open_to_inquiries=True) if value else queryset

    def keep(self, queryset, name, value):
        return queryset  # ordering is applied by search.run_search, after all filters


class _FiltersCopiedOneByOne(dict):
    """A FilterSet's filters, which django-filter deep-copies for every FilterSet made
    (0.5 ms of every search page: their widgets, choices and labels too). Each filter
    is copied on its own, with its own `model` and `parent` (set by the FilterSet)
    and its own method proxy (which finds the method on that parent, not on the
    FilterSet of another request); what they share (the field's arguments, the
    widget it copies, the choices) no request changes."""

    def __deepcopy__(self, memo):
        copies = {}
        for name, each in self.items():
            copied = copy.copy(each)
            if isinstance(each.__dict__.get("filter"), FilterMethod):
                copied.filter = FilterMethod(copied)
            copies[name] = copied
        return copies


ListingFilter.base_filters = _FiltersCopiedOneByOne(ListingFilter.base_filters)
