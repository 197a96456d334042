"""Each word of a published listing's headline is kept with its part of the headline's
score (a trigger on the headline table), and a search's best headlines are found from
each word's first entries and the headlines with several of the words: the same list
as ranking every matching headline."""

import random
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from listings.models import HeadlineTerm, Listing
from listings.models.headline import (
    _OPERAND,
    _headline_ranking,
    _quoted,
    _unquoted,
    _words_or_ed,
    best_headlines,
)  # fmt: skip
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


def test_which_queries_are_words_or_ed_together():
    assert _words_or_ed("'a' | 'b'")
    assert _words_or_ed("'a' & 'b' | 'c'")
    assert _words_or_ed("'it''s' | 'b'")
    assert _words_or_ed("'a<b' | 'c'")
    assert not _words_or_ed("'research'")  # one word: its first entries, no ranking
    assert not _words_or_ed("'a' | 'b' <-> 'c'")  # a phrase: ranked in full
    assert not _words_or_ed("( 'a' | 'b' ) & 'c'")
    assert not _words_or_ed("'a|b' & 'c'")
    assert not _words_or_ed("'a' | !'b'")
    assert not _words_or_ed("'a':* | 'b'")


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
def test_a_phrase_or_a_word_with_synonyms_is_ranked_in_full(headlines):
    query = headline_query('"tissue biopsy"')
    assert best_headlines(query, 20) == ranked_in_full('"tissue biopsy"', 20)
    assert best_headlines(headline_query("phlebotomy"), 20) == ranked_in_full("phlebotomy", 20)
    assert best_headlines(headline_query("qqqzzz"), 20) == []
