"""Students search the certifications they hold or need ("bls", "cpr", "hipaa"): the
names of a listing's required certifications are words of its search document
(migration 0036), and words joined by a slash ("BLS/CPR") are found either way."""

import pytest
from django.urls import reverse

from listings.models import Certification, Listing
from listings.search.query import query_variants
from tests.support.factories import PublishedListingFactory

pytestmark = pytest.mark.django_db


def found(text: str) -> set[str]:
    return set(Listing.objects.public().search(text).values_list("title", flat=True))


@pytest.fixture
def certified():
    """A phlebotomy aide that requires BLS/CPR (seeded; "BLS" is a synonym of "basic
    life support" and "CPR"), a records aide that requires HIPAA, and one that
    requires nothing. No text of theirs names a certification."""
    bls, hipaa = (Certification.objects.get(slug=slug) for slug in ("bls-cpr", "hipaa"))
    draws = PublishedListingFactory(title="Draw station aide", description="Morning draws.")
    draws.certifications.set([bls])
    records = PublishedListingFactory(title="Records aide", description="Chart filing.")
    records.certifications.set([hipaa])
    PublishedListingFactory(title="Bench aide", description="Glassware.")
    return {"draws": draws, "records": records, "bls": bls, "hipaa": hipaa}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("bls", {"Draw station aide"}),
        ("CPR", {"Draw station aide"}),
        ("bls/cpr", {"Draw station aide"}),
        ('"BLS/CPR"', {"Draw station aide"}),
        ("basic life support", {"Draw station aide"}),
        ("hipaa", {"Records aide"}),
        ("aide -hipaa", {"Draw station aide", "Bench aide"}),
    ],
)
def test_a_certifications_name_finds_the_listings_that_require_it(certified, text, expected):
    assert found(text) == expected


def test_the_words_follow_the_listings_certifications_and_their_names(certified):
    assert found("hipaa") == {"Records aide"}
    certified["records"].certifications.clear()
    assert found("hipaa") == set()
    certified["records"].certifications.set([certified["hipaa"]])
    assert found("hipaa") == {"Records aide"}
    # Renaming a certification recomputes the listings that require it
    certified["hipaa"].name = "HIPAA privacy training"
    certified["hipaa"].save()
    assert found("privacy") == {"Records aide"}


def test_words_joined_by_a_slash_are_found_as_one_token_or_apart():
    """PostgreSQL's parser reads "BLS/CPR" in a description as one token (a path):
    a search finds it so, and finds the words apart elsewhere."""
    PublishedListingFactory(title="Front desk aide", description="Current BLS/CPR card.")
    PublishedListingFactory(title="Clinic aide", description="BLS and CPR before day one.")
    assert found("bls/cpr") == {"Front desk aide", "Clinic aide"}
    assert found("bls") == {"Clinic aide"}  # the token, as the parser reads it
    # "or" on either side stays as typed: never the websearch operator
    assert query_variants("and/or") == ["and/or"]
    # A negated word takes its synonyms along in the form as typed too
    assert all("-phlebotomist" in variant for variant in query_variants("md/phd -phlebotomy"))


def test_a_search_card_says_which_certifications_the_listing_requires(client, certified):
    """A student searching "bls" sees why each listing matched: its card names what
    it requires (from the search's catalogue, no query per card); a card of a
    listing that requires nothing says nothing of it."""
    page = client.get(reverse("listings:listing_list"), {"q": "aide"}).content.decode()
    assert page.count("<dt>Requires</dt>") == 2
    assert "<dt>Requires</dt><dd>BLS/CPR</dd>" in page
    assert "<dt>Requires</dt><dd>HIPAA</dd>" in page


@pytest.mark.parametrize("words", ["aide no certification required", "aide without certs"])
def test_no_certification_is_the_listings_that_require_none(client, certified, words):
    """ "no certification required" found the listings that mention certification: it
    is the certifications filter's "None required", said so on the page."""
    response = client.get(reverse("listings:listing_list"), {"q": words})
    result = response.context["result"]

    assert [listing.title for listing in result.listings] == ["Bench aide"]
    assert [(u.name, u.value) for u in result.understood] == [("certs", "none")]
    assert "listings <strong>requiring no certification</strong> for “aide”" in (
        response.content.decode().replace("  ", " ")
    )


@pytest.mark.parametrize(
    "words", ["no bls required", "without BLS/CPR", "BLS not needed", "no cpr or hipaa"]
)
def test_refusing_a_certification_leaves_out_the_listings_that_require_it(client, certified, words):
    """ "aide no bls required" searched "bls": the listings that require it, the
    opposite of what the student asked. The words refuse the certification: the
    listings that require it are left out, said so, with a chip to take it back."""
    response = client.get(reverse("listings:listing_list"), {"q": f"aide {words}"})
    result = response.context["result"]
    refused = {"bls-cpr"} | ({"hipaa"} if "hipaa" in words else set())
    assert {(u.name, u.value) for u in result.understood} == {
        ("certs_not", slug) for slug in refused
    }  # fmt: skip
    assert {u.words for u in result.understood} == {words}
    expected = {"Bench aide"} | (set() if "hipaa" in words else {"Records aide"})
    assert {listing.title for listing in result.listings} == expected
    page = response.content.decode().replace("  ", " ")
    assert "listings <strong>not requiring BLS/CPR</strong>" in page
    assert {chip.remove_query for chip in response.context["chips"]} == {"q=aide"}
    # As the filter of a link, carried by the form; a slug that is none is said
    linked = client.get(reverse("listings:listing_list"), {"q": "aide", "certs_not": "bls-cpr"})
    assert [c.label for c in linked.context["chips"]] == ["Not requiring BLS/CPR"]
    assert '<input type="hidden" name="certs_not" value="bls-cpr">' in linked.content.decode()
    bad = client.get(reverse("listings:listing_list"), {"q": "aide", "certs_not": "acls"})
    assert 'id="certs_not-error">Select a valid choice. acls is not one' in bad.content.decode()
    api = client.get(reverse("listings:api_listings"), {"q": "aide no bls"}).json()
    assert api["understood"] == {"certs_not": "not requiring BLS/CPR"}


def test_a_certifications_words_searched_as_wanted_stay_words(client, certified):
    """ "bls" alone, "bls required" and a quoted or negated refusal are no filter."""
    for words in ["bls", '"no bls"', "aide -bls"]:
        result = client.get(reverse("listings:listing_list"), {"q": words}).context["result"]
        assert result.understood == [], words


@pytest.mark.parametrize("words", ["aide no experience needed", "No experience aide"])
def test_no_experience_is_every_listing_here(client, certified, words):
    """Every listing here is a student's position: "no experience" searched
    "experience" (the listings that ask for it)."""
    response = client.get(reverse("listings:listing_list"), {"q": words})

    assert response.context["filter"].form.cleaned_data["q"] == "aide"
    assert len(response.context["result"].listings) == 3
