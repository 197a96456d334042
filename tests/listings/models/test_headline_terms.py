"""Each word of a published listing's headline is kept with its part of the headline's
score (a trigger on the headline table), and so is its score for each synonym group it
matches; a search's best headlines are found from a word's or group's first entries,
or each word's and the headlines with several of the words: the same list as ranking
every matching headline."""

import random
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from listings.models import (
    HeadlineGroup,
    HeadlineTerm,
    Listing,
    ListingHeadline,
    SearchSynonym,
)  # fmt: skip
from listings.models.headline import (
    _OPERAND,
    _headline_ranking,
    _quoted,
    _units,
    _unquoted,
    best_headlines,
    group_key,
)  # fmt: skip
from listings.search.catalogue import forget_catalogue
from listings.search.query import headline_query
from tests.support.db import kept_for_module
from tests.support.factories import LabFactory, PublishedListingFactory

WORDS = ["phlebotomy", "zebrafish", "research", "assistant", "lab", "tissue", "biopsy",
         "sample", "preparation", "clinical", "coordinator", "data", "analysis"]  # fmt: skip


def ranked_in_full(words: str, limit: int) -> list[int]:
    ranking = _headline_ranking(headline_query(words), "default")
    return list(ranking.values_list("listing_id", flat=True)[:limit])


@pytest.mark.django_db
def test_the_trigger_keeps_each_word_with_its_part_of_the_score():
    listing = PublishedListingFactory(title="Zebrafish husbandry aide")
    terms = dict(HeadlineTerm.objects.filter(listing_id=listing.pk).values_list("lexeme", "impact"))
    assert {"zebrafish", "husbandri", "aid"} <= set(terms)
    with connection.cursor() as cursor:  # the part is ts_rank for the word alone
        cursor.execute(
            "SELECT ts_rank(headline_vector, 'zebrafish') / ln(length + 2) "
            "FROM listings_listingheadline WHERE listing_id = %s",
            [listing.pk],
        )
        assert terms["zebrafish"] == pytest.approx(cursor.fetchone()[0], rel=1e-12)
    listing.title = "Drosophila husbandry aide"
    listing.save()
    lexemes = set(
        HeadlineTerm.objects.filter(listing_id=listing.pk).values_list("lexeme", flat=True)
    )
    assert "drosophila" in lexemes and "zebrafish" not in lexemes
    Listing.objects.filter(pk=listing.pk).update(status=Listing.Status.CLOSED)
    assert not HeadlineTerm.objects.filter(listing_id=listing.pk).exists()


@pytest.mark.django_db
def test_an_unchanged_headline_keeps_its_rows():
    """Saving a listing rewrites its headline row; its words are rewritten only when
    the headline changed (a listing is saved for many other reasons)."""
    listing = PublishedListingFactory(title="Zebrafish husbandry aide")

    def row_versions():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT ctid::text FROM listings_headlineterm WHERE listing_id = %s ORDER BY 1",
                [listing.pk],
            )
            return cursor.fetchall()

    before = row_versions()
    listing.save()  # the trigger rewrites the headline row with the same values
    assert row_versions() == before
    listing.title = "Zebrafish husbandry technician"
    listing.save()
    assert row_versions() != before


@pytest.mark.django_db
def test_a_lexeme_with_quotes_or_backslashes_is_its_own_query():
    with connection.cursor() as cursor:
        for lexeme in ["o'brien", "a\\b", "x:y & z", "'", "|"]:
            cursor.execute(
                "SELECT to_tsvector('simple', 'x') || array_to_tsvector(ARRAY[%s]) "
                "@@ listings_lexeme_query(%s)",
                [lexeme, lexeme],
            )
            assert cursor.fetchone()[0] is True, lexeme
            # and the same from Python: quoted as input, read back from the text
            cursor.execute("SELECT %s::tsquery::text", [_quoted(lexeme)])
            (operand,) = re.findall(_OPERAND, cursor.fetchone()[0])
            assert _unquoted(operand) == lexeme


def test_the_units_of_a_query_are_its_words_and_synonym_groups():
    phlebotomy = "'blood' <-> 'draw' | 'phleb' | 'phlebotomi' | 'phlebotomist' | 'venipunctur'"
    group = ["blood", "draw", "phleb", "phlebotomi", "phlebotomist", "venipunctur"]

    def units(text: str):
        return _units(group_key(text), [phlebotomy, "'sampl' | 'specimen'"])

    assert units("'a' | 'b'") == {"a": ["a"], "b": ["b"]}
    assert units("'a' & 'b' | 'c'") == {"a": ["a"], "b": ["b"], "c": ["c"]}
    assert units("'it''s' | 'b'") == {"it's": ["it's"], "b": ["b"]}
    assert units("'a<b' | 'c' <-> 'd'") == {"a<b": ["a<b"], "c": ["c"], "d": ["d"]}
    assert units(f"{phlebotomy} | 'train'") == {phlebotomy: group, "train": ["train"]}
    # a word of the group outside it: the group's entries do not bound its score
    assert units(f"{phlebotomy} | 'blood'") is None
    assert units("'phlebotomi' | 'train'") == {"phlebotomi": ["phlebotomi"], "train": ["train"]}
    assert units("( 'a' | 'b' ) <-> 'c' | 'd'") is None


@pytest.fixture(scope="module")
def headlines(django_db_setup, django_db_blocker):
    """300 published listings with titles of random words, some expired."""
    with kept_for_module(django_db_blocker):
        rng = random.Random(20261127)  # noqa: S311 - test data
        lab = LabFactory()
        now = timezone.now()
        for n in range(300):
            title = " ".join(rng.choices(WORDS, k=rng.randint(1, 6)))
            PublishedListingFactory(
                lab=lab, title=title.capitalize(),
                description=" ".join(rng.choices(WORDS, k=rng.randint(5, 60))),
                published_at=now - timedelta(hours=rng.randint(1, 500), seconds=n),  # no two alike
                expires_at=now + timedelta(days=-1 if n % 37 == 0 else 30),
            )  # fmt: skip
        yield


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(word=st.sampled_from(WORDS), limit=st.sampled_from([1, 5, 20, 500]))
def test_for_one_word_the_first_entries_are_the_full_ranking(headlines, word, limit):
    assert best_headlines(headline_query(word), limit) == ranked_in_full(word, limit)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(words=st.lists(st.sampled_from(WORDS), min_size=2, max_size=4, unique=True),
       limit=st.sampled_from([1, 5, 20]))  # fmt: skip
def test_for_several_words_the_best_headlines_are_the_full_ranking(headlines, words, limit):
    """Words or-ed together (with their synonyms): the best of each word's first
    entries and of the headlines with several of the words are the best of all."""
    text = " ".join(words)
    assert best_headlines(headline_query(text), limit) == ranked_in_full(text, limit)


@pytest.mark.django_db
def test_a_phrase_ranks_headlines_on_its_words_as_in_full(headlines):
    """A quoted phrase's headlines are ranked on its words (search.query.headline_query):
    from the words' first entries, as ranking every headline with any of them does."""
    query = headline_query('"tissue biopsy"')
    assert best_headlines(query, 20) == ranked_in_full('"tissue biopsy"', 20)
    assert best_headlines(query, 20) == best_headlines(headline_query("tissue biopsy"), 20)
    assert best_headlines(headline_query("qqqzzz"), 20) == []


GROUPED = ["phlebotomy", "Phlébotomist", "venipuncture", "phleb", '"blood draw"', "sample",
           "specimen", '"lab tech"']  # fmt: skip


@pytest.mark.django_db
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(word=st.sampled_from(GROUPED), limit=st.sampled_from([1, 5, 20, 500]))
def test_a_word_with_synonyms_takes_its_groups_first_entries(headlines, word, limit):
    """A word with synonyms is or-ed with them: its group's rows in the terms' index
    give the full ranking's list from one index range, ranking no headline."""
    with CaptureQueriesContext(connection) as queries:
        best = best_headlines(headline_query(word), limit)
    assert best == ranked_in_full(word, limit)
    assert not any("ts_rank" in query["sql"] for query in queries)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(words=st.lists(st.sampled_from(GROUPED + WORDS), min_size=2, max_size=3, unique=True),
       limit=st.sampled_from([1, 5, 20]))  # fmt: skip
def test_words_with_synonyms_among_others_rank_as_in_full(headlines, words, limit):
    text = " ".join(words)
    assert best_headlines(headline_query(text), limit) == ranked_in_full(text, limit)


@pytest.mark.django_db
def test_a_synonym_group_among_other_words_is_one_unit(headlines):
    """'phlebotomy sample' ranks the first entries of two groups and the headlines
    with a word of each, not every headline with any of their words."""
    with connection.cursor() as cursor:  # the choice follows the planner's estimates
        cursor.execute("ANALYZE listings_listingheadline")
    with CaptureQueriesContext(connection) as queries:
        best = best_headlines(headline_query("phlebotomy sample"), 5)
    assert best == ranked_in_full("phlebotomy sample", 5)
    assert any("unnest(" in query["sql"] for query in queries)


@pytest.mark.django_db
def test_the_groups_are_the_synonyms_as_searched():
    keys = set(HeadlineGroup.objects.values_list("key", flat=True))
    phlebotomy = "'blood' <-> 'draw' | 'phleb' | 'phlebotomi' | 'phlebotomist' | 'venipunctur'"
    assert {phlebotomy, "'sampl' | 'specimen'", "'mice' | 'mous'"} <= keys
    with connection.cursor() as cursor:  # a key is its query's text, parts in order
        for key in keys:
            cursor.execute("SELECT %s::tsquery::text", [key])
            assert group_key(cursor.fetchone()[0]) == key


def test_a_group_key_is_the_or_ed_parts_once_in_order():
    assert group_key("'b' | 'a' <-> 'c' | 'b'") == "'a' <-> 'c' | 'b'"
    assert group_key("'a' & 'b' | 'c'") == "'a' & 'b' | 'c'"
    assert group_key("'x|y' | 'a'") == "'a' | 'x|y'"  # a quoted bar is no part's end
    assert group_key("'research'") is None  # one part: the word's own entries
    assert group_key("'a' | 'a'") is None
    assert group_key("( 'a' | 'b' ) & 'c'") is None  # and-ed at the top: one part
    assert group_key("'a' | !'b'") is None
    assert group_key("'a':* | 'b'") is None


@pytest.mark.django_db
def test_the_trigger_keeps_each_headline_in_its_groups():
    key = "'sampl' | 'specimen'"
    listing = PublishedListingFactory(title="Specimen and sample courier")
    impact = HeadlineTerm.objects.get(listing_id=listing.pk, lexeme=key).impact
    with connection.cursor() as cursor:  # its score for the whole group
        cursor.execute(
            "SELECT ts_rank(headline_vector, %s::tsquery) / ln(length + 2) "
            "FROM listings_listingheadline WHERE listing_id = %s",
            [key, listing.pk],
        )
        assert impact == pytest.approx(cursor.fetchone()[0], rel=1e-12)
    listing.title = "Courier"
    listing.save()
    assert not HeadlineTerm.objects.filter(listing_id=listing.pk, lexeme=key).exists()


@pytest.mark.django_db
def test_a_new_synonym_makes_a_group_and_a_removed_one_drops_it(
    django_capture_on_commit_callbacks,
):
    titled = PublishedListingFactory(title="Zebrafish husbandry aide")
    danio = PublishedListingFactory(title="Danio rerio imaging assistant")
    key = "'danio' | 'zebrafish'"
    with django_capture_on_commit_callbacks(execute=True):
        synonym = SearchSynonym.objects.create(term="danio", equivalent="zebrafish")
    assert HeadlineGroup.objects.filter(key=key).exists()
    grouped = set(HeadlineTerm.objects.filter(lexeme=key).values_list("listing_id", flat=True))
    assert {titled.pk, danio.pk} <= grouped
    assert grouped == set(
        ListingHeadline.objects.filter(
            Q(headline_vector="zebrafish") | Q(headline_vector="danio")
        ).values_list("listing_id", flat=True)
    )
    forget_catalogue()  # as the admin does
    query = headline_query("zebrafish")
    with CaptureQueriesContext(connection) as queries:
        assert best_headlines(query, 500) == ranked_in_full("zebrafish", 500)
    assert not any("ts_rank" in query["sql"] for query in queries[:-1])  # [-1]: in full
    with django_capture_on_commit_callbacks(execute=True):
        synonym.delete()
    assert not HeadlineGroup.objects.filter(key=key).exists()
    assert not HeadlineTerm.objects.filter(lexeme=key).exists()
    forget_catalogue()


@pytest.mark.django_db
def test_a_refresh_that_fails_after_the_synonym_committed_loses_nothing(
    django_capture_on_commit_callbacks, monkeypatch, caplog
):
    """The synonym stays saved, the save does not fail, the failure is logged, and
    the search still finds the same best headlines, ranked in full."""
    import listings.models.headline as headline

    def broken(using):
        raise RuntimeError("database gone")

    monkeypatch.setattr(headline, "refresh_headline_groups", broken)
    PublishedListingFactory(title="Zebrafish husbandry aide")
    with django_capture_on_commit_callbacks(execute=True):
        SearchSynonym.objects.create(term="danio", equivalent="zebrafish")
    assert SearchSynonym.objects.filter(term="danio").exists()
    assert "database gone" in caplog.text
    assert not HeadlineGroup.objects.filter(key="'danio' | 'zebrafish'").exists()
    forget_catalogue()
    assert best_headlines(headline_query("zebrafish"), 5) == ranked_in_full("zebrafish", 5)
    forget_catalogue()
