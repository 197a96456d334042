"""Facet counts are exactly right: a property test against a brute-force count."""

import random
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import RequestFactory
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Program
from listings.filters import ListingFilter
from listings.models import Compensation, Listing, ListingStatus, Schedule, WorkMode
from listings.search.catalogue import SAMPLE_BUCKETS
from listings.search.facets import FACETS, facet_counts
from listings.search.page import run_search
from tests.support.db import kept_for_module
from tests.support.factories import (
    InstitutionFactory,
    LabFactory,
    PublishedListingFactory,
    role_type,
)

ROLES = ["research-assistant", "lab-technician", "phlebotomist", "data-analyst"]
INSTITUTIONS = ["north", "lake", "pacific"]
OPTIONS = {
    "role": ROLES,
    "comp": Compensation.values,
    "schedule": Schedule.values,
    "mode": WorkMode.values,
    "level": Program.values,
    "institution": INSTITUTIONS,
}


@pytest.fixture(scope="module")
def random_listings(django_db_setup, django_db_blocker):
    """Forty listings with random facets, made once for all examples."""
    rng = random.Random(20261125)  # noqa: S311
    with kept_for_module(django_db_blocker):
        labs = [
            LabFactory(institution=InstitutionFactory(slug=slug, name=slug.title()))
            for slug in INSTITUTIONS
        ]
        rows = []
        for n in range(40):
            compensation = rng.choice(Compensation.values)
            roles = rng.sample(ROLES, rng.randint(1, 2))
            listing = PublishedListingFactory(
                title=f"Listing {n} {'phlebotomy' if n % 3 == 0 else 'research'}",
                lab=rng.choice(labs),
                compensation=compensation,
                pay_rate=Decimal("17.50") if compensation == "paid" else None,
                schedules=rng.sample(Schedule.values, rng.randint(1, 2)),
                work_mode=rng.choice(WorkMode.values),
                levels=rng.sample(Program.values, rng.randint(1, 3)),
                hours_min=rng.choice([4, 8, 12]),
                hours_max=20,
                role_types=[role_type(slug) for slug in roles],
                published_at=timezone.now() - timedelta(days=rng.randint(0, 20)),
            )
            rows.append(
                {
                    "role": set(roles),
                    "comp": {compensation},
                    "schedule": set(listing.schedules),
                    "mode": {listing.work_mode},
                    "level": set(listing.levels),
                    "institution": {listing.lab.institution.slug},
                    "hours_min": listing.hours_min,
                    # "phlebotomy" matches the title word, and (by synonym) the role type.
                    "text": "phlebotomy" in listing.title or "phlebotomist" in roles,
                }
            )
        yield rows


def brute_force(rows, selection, q, hours_max, skip=None):
    def keep(row):
        for facet, chosen in selection.items():
            if facet != skip and chosen and not (row[facet] & set(chosen)):
                return False
        if hours_max is not None and row["hours_min"] > hours_max:
            return False
        return not (q and not row["text"])

    return [row for row in rows if keep(row)]


selections = st.fixed_dictionaries(
    {facet: st.lists(st.sampled_from(values), max_size=3, unique=True)
     for facet, values in OPTIONS.items()}
)  # fmt: skip


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    selection=selections,
    q=st.sampled_from(["", "phlebotomy"]),
    hours_max=st.sampled_from([None, 8, 12]),
)
def test_facet_counts_match_brute_force(random_listings, selection, q, hours_max):
    params = {facet: values for facet, values in selection.items() if values}
    if q:
        params["q"] = q
    if hours_max is not None:
        params["hours_max"] = str(hours_max)
    request = RequestFactory().get("/listings/", params)
    listing_filter = ListingFilter(request.GET, queryset=Listing.objects.public())
    result = run_search(listing_filter, page="1")

    assert result.total == len(brute_force(random_listings, selection, q, hours_max))
    for facet in FACETS:
        scoped = brute_force(random_listings, selection, q, hours_max, skip=facet)
        for option in result.facets[facet]:
            if facet in OPTIONS:
                expected = sum(1 for row in scoped if option.value in row[facet])
                assert option.count == expected, (facet, option.value)
            assert option.selected == (option.value in selection.get(facet, []))


@pytest.mark.django_db
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    selection=selections,
    q=st.sampled_from(["", "phlebotomy"]),
    hours_max=st.sampled_from([None, 8, 12]),
)
def test_a_sample_of_every_bucket_counts_exactly_as_the_one_pass(
    random_listings, selection, q, hours_max
):
    """A sample of all 1,024 buckets must give the exact counts, option by option, for
    any choice of filters, whether the buckets are read first or combined with the
    word index by the planner; and it counts the table's rows in its buckets."""
    params = {facet: values for facet, values in selection.items() if values}
    if q:
        params["q"] = q
    if hours_max is not None:
        params["hours_max"] = str(hours_max)
    listing_filter = ListingFilter(
        RequestFactory().get("/listings/", params).GET, queryset=Listing.objects.public()
    )
    listing_filter.is_valid()
    exact = facet_counts(listing_filter, listing_filter.queryset)
    scope = len(brute_force(random_listings, {}, q, hours_max))
    assert exact.scope_rows == scope
    for first in (False, True):
        sampled = facet_counts(
            listing_filter, listing_filter.queryset, buckets=SAMPLE_BUCKETS, buckets_first=first
        )
        assert sampled.scope_rows == scope
        assert sampled.bucket_rows == Listing.objects.count()
        for facet in FACETS:
            assert {k: v for k, v in sampled[facet].items() if v} == {
                k: v for k, v in exact[facet].items() if v
            }, facet


@pytest.mark.django_db
def test_no_index_leads_with_compensation():
    """Each compensation option is about a quarter of a board: an index on it never
    narrows a search enough to pay for reading it, and the planner combined its
    bitmap with a narrow filter's (an institution's listings at a million: 52-67 ms
    instead of 4; migration 0031). Work mode keeps its index ("python" remote)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'listings_listing'")
        definitions = [definition for (definition,) in cursor.fetchall()]
    assert any("USING btree (work_mode)" in definition for definition in definitions)
    assert not [d for d in definitions if "USING btree (compensation" in d]


def test_words_and_a_work_mode_are_found_in_one_scan_of_the_word_index(db):
    """The word index holds the work mode too (migration 0034), of published listings
    only (0037): a search's words and a mode are one scan of it, both conditions its
    own (no bitmap of every listing with the word to combine with the mode's), and
    words alone read it as well."""
    import json

    from django.db import connection

    from tests.support.factories import PublishedListingFactory

    for n in range(30):
        PublishedListingFactory(
            title=f"Python aide {n}" if n % 3 else f"Bench aide {n}",
            work_mode=WorkMode.REMOTE if n % 5 == 0 else WorkMode.ON_SITE,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE listings_listing")
        # On 30 rows the planner reads the mode's own index and checks the words;
        # without it (until the test's transaction rolls back), what this index does;
        # nor a list of the published listings from another index (any btree one)
        cursor.execute(
            "SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
            "JOIN pg_am a ON a.oid = i.relam WHERE x.indrelid = 'listings_listing'::regclass "
            "AND a.amname = 'btree' AND NOT x.indisunique"
        )
        for (index,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{index}"')

    def scans(queryset) -> list[dict]:
        sql, params = queryset.order_by().values("id").query.sql_with_params()
        with connection.cursor() as cursor:
            # A table this small: no scan of the whole table or of a whole index
            for kind in ("seqscan", "indexscan", "indexonlyscan"):
                cursor.execute(f"SET LOCAL enable_{kind} = off")
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
            plan = cursor.fetchone()[0]
        nodes, found = [(json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]], []
        while nodes:
            node = nodes.pop()
            nodes.extend(node.get("Plans", []))
            if "Index Name" in node:
                found.append(node)
        return found

    # Published listings, as searches ask for: the word index holds only those, and
    # answers the status itself (no other index's list of published listings)
    published = Listing.objects.filter(status=ListingStatus.PUBLISHED)
    remote = published.search("python").filter(work_mode__in=[WorkMode.REMOTE])
    (scan,) = scans(remote)
    assert scan["Index Name"] == "listing_published_words"
    assert "search_vector @@" in scan["Index Cond"] and "work_mode" in scan["Index Cond"]
    assert remote.count() == 4  # remote: 0 and 15 bench aides, 5, 10, 20 and 25 python
    (words,) = scans(published.search("python"))
    assert words["Index Name"] == "listing_published_words"


def test_one_form_class_serves_every_search_and_reads_the_catalogue_anew(db):
    """ListingFilter makes its form class once a process; an institution or role type
    added after that is still an option the next search validates and shows."""
    from django.http import QueryDict

    from listings.models import Listing, RoleType
    from listings.search.catalogue import forget_catalogue
    from tests.support.factories import InstitutionFactory, LabFactory

    first = ListingFilter(QueryDict(), queryset=Listing.objects.none())
    first.is_valid()
    LabFactory(institution=InstitutionFactory(slug="new-u", name="New University"))
    RoleType.objects.create(slug="perfusionist", name="Perfusionist", position=99)
    forget_catalogue()  # as the admin does when they change
    later = ListingFilter(
        QueryDict("institution=new-u&role=perfusionist"), queryset=Listing.objects.none()
    )
    assert later.is_valid(), later.form.errors
    assert type(later.form) is type(first.form)
    assert later.form.cleaned_data["institution"] == ["new-u"]
    assert later.form.cleaned_data["role"] == ["perfusionist"]
    assert ("new-u", "New University") in list(later.form.fields["institution"].choices)


def test_each_search_has_its_own_filters_calling_its_own_methods(db):
    """The filters are copied one by one for each FilterSet (not deep-copied): each
    search's filters are its own, and a filter's method runs on its own search (the
    places of one search never answer another's made beside it)."""
    from django.http import QueryDict

    from listings.models import Listing
    from listings.search.facets import apply_filters
    from tests.support.factories import PublishedListingFactory

    shelbyville = PublishedListingFactory(title="in shelbyville", lab__city="Shelbyville")
    springfield = PublishedListingFactory(title="in springfield", lab__city="Springfield")
    one, other = (
        ListingFilter(QueryDict(f"city={city}"), queryset=Listing.objects.public())
        for city in ("Shelbyville", "Springfield")
    )
    other.is_valid()
    one.is_valid()
    assert set(apply_filters(other, Listing.objects.public())) == {springfield}
    assert set(apply_filters(one, Listing.objects.public())) == {shelbyville}
    for name, each in one.filters.items():
        assert each is not other.filters[name] and each is not ListingFilter.base_filters[name]
        assert each.parent is one and other.filters[name].parent is other
    assert one.filters["city"].filter.f is one.filters["city"]
    assert list(one.__dict__["_labs_by_place"]) == [("city__unaccent__iexact", "Shelbyville")]
    assert list(other.__dict__["_labs_by_place"]) == [("city__unaccent__iexact", "Springfield")]
