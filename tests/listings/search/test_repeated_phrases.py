"""A quoted phrase's best matches without it in their title repeat it in a short
description: the listings that repeat it most are found by their word pairs
(migration 0035) and ranked with a broad search's candidates (search.ranking
._repeating). And its headlines are ranked on its words (search.query.headline_query)."""

from datetime import timedelta
from functools import partial

import pytest
from django.utils import timezone

import listings.search.counts
from listings.filters import ListingFilter
from listings.models import Listing
from listings.search import ranking
from listings.search.catalogue import forget_catalogue
from listings.search.page import run_search
from listings.search.query import headline_query, rank_query, several_words, wanted_phrases
from tests.support.factories import PublishedListingFactory
from tests.support.laters import recorded_laters
from tests.support.ranking import first_titles, rank_as_a_large_board

pytestmark = pytest.mark.django_db
listing = partial(PublishedListingFactory, role_types=[])


def consent_text(times: int) -> str:
    return " ".join(["Explain informed consent to each participant."] * times)


def repeating(phrase: str, times: int) -> set[str]:
    ids = Listing.objects.repeating(wanted_phrases(phrase), times, 100)
    return set(Listing.objects.filter(id__in=ids).values_list("title", flat=True))


def test_the_pairs_tell_a_phrase_found_two_three_or_four_times_or_more():
    for times in (1, 2, 3, 4, 6):
        listing(title=f"Coordinator {times}", description=consent_text(times))
    assert repeating('"informed consent"', 2) == {f"Coordinator {n}" for n in (2, 3, 4, 6)}
    assert repeating('"informed consent"', 3) == {f"Coordinator {n}" for n in (3, 4, 6)}
    assert repeating('"Informed CONSENT"', 4) == {"Coordinator 4", "Coordinator 6"}
    # Its words apart, as often: not the phrase
    listing(title="Aide", description="Informed staff. Consent forms. " * 3)
    assert "Aide" not in repeating('"informed consent"', 2)
    # No phrase of several words: nothing to look up
    assert Listing.objects.repeating(wanted_phrases("informed consent"), 2, 100) == []
    assert Listing.objects.repeating(wanted_phrases('"consent"'), 2, 100) == []


def test_the_trigger_keeps_the_repeats_current_and_a_phrase_counts_in_each_synonym_form():
    aide = listing(title="Aide", description=consent_text(3))
    aide.description = consent_text(1)
    aide.save()
    assert repeating('"informed consent"', 2) == set()
    # "specimen" is a synonym of "sample": a search for one phrase finds the other's
    listing(title="Bench aide", description="Specimen preparation daily. " * 3)
    assert wanted_phrases('"sample preparation"') == [
        "sample preparation", "specimen preparation"
    ]  # fmt: skip
    assert repeating('"sample preparation"', 3) == {"Bench aide"}


def test_the_most_repeated_come_first_within_their_bounds(monkeypatch):
    listing(title="Four times", description=consent_text(4))
    for n in range(3):
        listing(title=f"Three times {n}", description=consent_text(3))
    for n in range(4):
        listing(title=f"Twice {n}", description=consent_text(2))
    manager = Listing.objects
    phrases = wanted_phrases('"informed consent"')

    def titles(enough: int, most: int) -> set[str]:
        monkeypatch.setattr(ranking, "REPEATED_ENOUGH", enough)
        monkeypatch.setattr(ranking, "REPEATED_MOST", most)
        found = ranking._repeating(manager, phrases)
        return set(Listing.objects.filter(id__in=found).values_list("title", flat=True))

    assert titles(1, 100) == {"Four times"}
    assert titles(2, 100) == {"Four times", *(f"Three times {n}" for n in range(3))}
    assert len(titles(5, 100)) == 8  # none holds five: down to twice, all of them
    # Four times in one listing, three times in four: more than three are not read
    assert titles(5, 3) == {"Four times"}
    assert titles(5, 0) == set()


def fill_board(monkeypatch, settings):
    """Thresholds scaled down to a small board: every search ranks candidates (the
    best 3 headlines and the newest 20 matches, the first page's). Four titles with
    the phrase's words (the best headlines), 21 newer listings with the phrase once in
    a long description (the newest), and an older one that repeats it in a short one,
    the best match after the titles."""
    older = {"published_at": timezone.now() - timedelta(days=30)}
    listing(title="Informed consent coordinator", description=consent_text(1), **older)
    listing(title="Consent and records aide", description=consent_text(1), **older)
    listing(title="Consent desk aide", description=consent_text(1), **older)
    listing(title="Informed outreach aide", description=consent_text(1), **older)
    listing(title="Study aide", description=consent_text(3), **older)
    long = "Among many duties in a long list of clinic, office and bench work: " * 6
    for n in range(21):
        listing(title=f"Clinic helper {n}", description=long + consent_text(1))
    rank_as_a_large_board(
        monkeypatch, settings, EXACT_RANK_MAX=0, BODY_RANK_MAX=0, RANK_CANDIDATES=20,
        HEADLINE_CANDIDATES=3, REPEATED_ENOUGH=1,
    )  # fmt: skip


@pytest.fixture
def board(monkeypatch, settings):
    fill_board(monkeypatch, settings)
    yield
    forget_catalogue()


@pytest.mark.usefixtures("board")
def test_a_phrase_search_ranks_the_listings_that_repeat_it(client, monkeypatch):
    exhaustive = Listing.objects.public().search('"informed consent"')
    exhaustive = [row.title for row in exhaustive.ranked(rank_query('"informed consent"'))[:2]]
    assert exhaustive == ["Informed consent coordinator", "Study aide"]
    assert first_titles(client, q='"informed consent"')[:2] == exhaustive

    # Without the repeats, it is neither a best headline nor among the newest
    monkeypatch.setattr(ranking, "REPEATED_TIMES", ())
    assert "Study aide" not in first_titles(client, q='"informed consent"')


def test_the_background_job_ranks_the_repeats_as_the_request_would(
    transactional_db, settings, monkeypatch
):
    """On a board large enough to rank in the background (APPROX_ABOVE scaled down),
    the likely order's job ranks the repeats as the request ranks them alone.
    Committed rows: the background thread's connection sees no others."""
    fill_board(monkeypatch, settings)
    monkeypatch.setattr(listings.search.counts, "APPROX_ABOVE", 5)
    made = recorded_laters(monkeypatch, ranking)

    def search(workers: int) -> list[int]:
        settings.SEARCH_PARALLEL_WORKERS = workers
        listing_filter = ListingFilter(
            {"q": '"informed consent"'}, queryset=Listing.objects.public()
        )
        return [row.pk for row in run_search(listing_filter, page="1").listings]

    alone = search(0)
    assert Listing.objects.get(pk=alone[1]).title == "Study aide"
    made.clear()
    assert search(2) == alone
    # The likely order's job looks the repeats up when it ranks the candidates
    (job,) = [later for later in made if later._function is ranking._likely_order]
    assert job.ran_in_background and job.result()["candidates"][: len(alone)] == alone
    forget_catalogue()


def test_a_phrase_ranks_headlines_on_its_words_and_its_synonyms_words():
    listing(title="Lab technician: samples, specimens", description="Sample preparation.")
    listing(title="Preparation room aide", description="Sample preparation.")
    headlines = Listing.objects.public().best_headlines(headline_query('"sample preparation"'), 5)
    titles = set(Listing.objects.filter(id__in=headlines).values_list("title", flat=True))
    assert titles == {"Lab technician: samples, specimens", "Preparation room aide"}


@pytest.mark.usefixtures("board")
def test_a_phrase_in_few_titles_ranks_every_match_at_once(client, monkeypatch):
    """Its headlines are ranked on its words, so how many of them there are says
    nothing; how many have the whole phrase does: when few do (here one, below
    HEADLINE_FEW = 2) and every match can be ranked, every match is, without ranking
    the candidates first."""
    assert several_words('"informed consent"') and not several_words('"consent"')
    assert not several_words('"blood draw"')  # a synonym: its group's headlines
    monkeypatch.setattr(ranking, "BODY_RANK_MAX", 1_000)
    monkeypatch.setattr(ranking, "HEADLINE_FEW", 2)
    ranked = []
    real = ranking._ranked
    monkeypatch.setattr(ranking, "_ranked", lambda kind, *a: ranked.append(kind) or real(kind, *a))
    assert first_titles(client, q='"informed consent"')[:2] == [
        "Informed consent coordinator", "Study aide"
    ]  # fmt: skip
    assert ranked == ["every"]
