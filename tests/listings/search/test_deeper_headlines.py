"""A broad search whose filters keep only a few dozen of the board's best headlines
looks further down the headlines (search.ranking._deeper): the filtered search's own
best titled listing is ranked, though the board's best titles are elsewhere."""

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
from listings.search.query import headline_query
from tests.support.factories import PublishedListingFactory
from tests.support.laters import recorded_laters
from tests.support.ranking import first_titles, rank_as_a_large_board

pytestmark = pytest.mark.django_db
TARGET = "Senior imaging and records aide for the zebrafish facility team"
RECORDS = "some zebrafish records work"
OFFICE = "Records, filing, phone calls, scheduling, inventory, mail and other office duties."


def fill_board(monkeypatch, settings):
    """Three on-site listings and one remote one with "zebrafish" in a short title
    (the board's best four headlines: one remote), the remote listing that matches
    best, titled with the word in a long title (fifth of the headlines) and old, and
    21 newer remote matches with the word once in a long description (more than the
    first page's 20 newest candidates). The thresholds scaled down to this board:
    four headline candidates; one kept is enough to rank them, three would need no
    deeper look. No role types: the headlines are the titles (and a transactional
    test's flushed database has none)."""
    now = timezone.now()
    listing = partial(PublishedListingFactory, role_types=[])
    for n in range(3):
        listing(title="Zebrafish technician", work_mode="on_site",
                description=f"Bench work, shift {'ABC'[n]}.")  # fmt: skip
    listing(title="Zebrafish aide", work_mode="remote", description=OFFICE)
    listing(title=TARGET, work_mode="remote", published_at=now - timedelta(days=30),
            description="Zebrafish zebrafish zebrafish care.")  # fmt: skip
    for n in range(21):
        listing(title=f"Data aide {chr(65 + n)}", work_mode="remote",
                published_at=now - timedelta(hours=n),
                description=f"A long list of many duties, among them {RECORDS}.")  # fmt: skip
    rank_as_a_large_board(
        monkeypatch, settings, EXACT_RANK_MAX=0, BODY_RANK_MAX=0, RANK_CANDIDATES=20,
        HEADLINE_CANDIDATES=4, HEADLINE_FEW=1, HEADLINE_ENOUGH=3, HEADLINE_DEEPEST=100,
    )  # fmt: skip


@pytest.fixture
def board(monkeypatch, settings):
    fill_board(monkeypatch, settings)
    yield
    forget_catalogue()


@pytest.mark.usefixtures("board")
def test_a_filter_that_keeps_few_of_the_best_headlines_looks_deeper(client, monkeypatch):
    board_best = Listing.objects.public().best_headlines(headline_query("zebrafish"), 4)
    modes = Listing.objects.filter(id__in=board_best).values_list("work_mode", flat=True)
    assert sorted(modes) == ["on_site"] * 3 + ["remote"]  # one of four kept by "remote"

    ranked = []
    real = ranking._ranked
    monkeypatch.setattr(ranking, "_ranked", lambda kind, *a: ranked.append(kind) or real(kind, *a))
    assert first_titles(client, q="zebrafish", mode="remote")[0] == TARGET
    assert "deeper" in ranked and "filtered" not in ranked and "every" not in ranked

    # Without the deeper look (one kept is then enough), the target is not a candidate.
    monkeypatch.setattr(ranking, "HEADLINE_ENOUGH", 1)
    assert TARGET not in first_titles(client, q="zebrafish", mode="remote")
    # A search without filters is unchanged: the board's best headlines come first.
    assert first_titles(client, q="zebrafish")[0] in {"Zebrafish technician", "Zebrafish aide"}


def test_the_background_job_ranks_the_deeper_headlines_as_the_request_would(
    transactional_db, settings, monkeypatch
):
    """On a board large enough to rank in the background (APPROX_ABOVE scaled down),
    the background job looks deeper and ranks as the request does alone. Committed
    rows: the background thread's connection sees no others."""
    fill_board(monkeypatch, settings)
    monkeypatch.setattr(listings.search.counts, "APPROX_ABOVE", 5)
    made = recorded_laters(monkeypatch, ranking)

    def search(workers: int) -> list[int]:
        settings.SEARCH_PARALLEL_WORKERS = workers
        params = {"q": "zebrafish", "mode": ["remote"]}
        listing_filter = ListingFilter(params, queryset=Listing.objects.public())
        return [listing.pk for listing in run_search(listing_filter, page="1").listings]

    alone = search(0)
    assert Listing.objects.get(pk=alone[0]).title == TARGET
    made.clear()
    assert search(2) == alone
    (job,) = [later for later in made if later._function is ranking._likely_order]
    assert job.ran_in_background and job.result()["deeper"][: len(alone)] == alone
    forget_catalogue()


def test_how_deep_depends_on_how_many_the_filters_keep():
    assert ranking._deeper(None, 500) == 0  # no filters
    assert ranking._deeper(21, 499) == 0  # the board has no more titled listings
    assert ranking._deeper(19, 500) == 0  # too few: their own best headlines instead
    assert ranking._deeper(100, 500) == 0  # enough kept
    assert ranking._deeper(21, 500) == 2_500  # 5 x 21 = 105 expected kept
    assert ranking._deeper(28, 500) == 2_000
    assert ranking._deeper(99, 500) == 1_000
