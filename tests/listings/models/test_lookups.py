"""`id__any=ids` finds what `id__in=ids` finds, with the ids as one array parameter."""

import pytest

from listings.models import Listing
from tests.support.factories import PublishedListingFactory

pytestmark = pytest.mark.django_db


def test_any_finds_what_in_finds_with_one_parameter():
    listings = PublishedListingFactory.create_batch(3)
    wanted = {listings[0].pk, listings[2].pk, 10**12}  # a set, and an id no row has
    found = Listing.objects.filter(id__any=wanted)
    assert set(found.values_list("id", flat=True)) == {listings[0].pk, listings[2].pk}
    assert set(found) == set(Listing.objects.filter(id__in=wanted))
    sql, params = found.query.sql_with_params()
    assert '"listings_listing"."id" = ANY(%s)' in sql
    assert sorted(params[-1]) == sorted(wanted)  # one parameter: the list


def test_any_of_nothing_finds_nothing_and_combines_with_other_filters():
    listing = PublishedListingFactory(title="Zebrafish husbandry")
    assert not Listing.objects.filter(id__any=[]).exists()
    assert list(Listing.objects.search("zebrafish").filter(id__any=[listing.pk])) == [listing]
    assert not Listing.objects.search("drosophila").filter(id__any=[listing.pk]).exists()
