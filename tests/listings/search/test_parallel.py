"""A cold search of a large board ranks its headlines in a background thread while it
counts: the same results as in the request's thread, on a connection of its own that
is replaced when it breaks; a query that fails there runs again in the request."""

import logging
import random
from collections import Counter
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.db import OperationalError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import listings.search.counts
import listings.search.page
from listings.filters import ListingFilter
from listings.models import Listing
from listings.search import ranking
from listings.search.catalogue import forget_catalogue
from listings.search.page import run_search
from listings.search.parallel import Later
from listings.search.query import headline_query
from tests.support.factories import InstitutionFactory, LabFactory
from tests.support.laters import recorded_laters


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


@pytest.fixture
def board(transactional_db, monkeypatch, settings):
    """60 committed listings (the background thread sees committed rows only), the
    thresholds scaled down so that "phlebotomy" takes the broad-search path."""
    rng = random.Random(20261127)  # noqa: S311 - test data
    # Names without numbers: a factory's numbered "Lab 17" would match the search "17"
    labs = [
        LabFactory(name=f"{side} lab", institution=InstitutionFactory(
            name=f"{side} college", slug=f"{side.lower()}-college"
        ))
        for side in ("North", "South")
    ]  # fmt: skip
    now = timezone.now()
    rows = []
    for n in range(60):
        titled = rng.random() < 0.5
        rows.append(
            Listing(
                title=f"Phlebotomy aide {n}" if titled else f"Lab aide {n}",
                lab=rng.choice(labs), compensation="paid", pay_rate=18, work_mode="on_site",
                description="Phlebotomy " * rng.randint(1, 4) + "and general work " * n,
                hours_min=6, hours_max=10, levels=["ms1"], schedules=["weekdays"],
                status=Listing.Status.PUBLISHED, published_at=now - timedelta(hours=n),
                expires_at=now + timedelta(days=30),
            )
        )  # fmt: skip
    Listing.objects.bulk_create(rows)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE listings_listing")
    forget_catalogue()
    monkeypatch.setattr(listings.search.counts, "APPROX_ABOVE", 10)
    monkeypatch.setattr(listings.search.ranking, "EXACT_RANK_MAX", 5)
    monkeypatch.setattr(listings.search.ranking, "HEADLINE_FEW", 3)
    settings.SEARCH_CACHE_SECONDS = 0
    yield
    forget_catalogue()


def search(words: str):
    listing_filter = ListingFilter({"q": words}, queryset=Listing.objects.public())
    return [listing.pk for listing in run_search(listing_filter, page="1").listings]


def snippets(words: str) -> dict[int, str]:
    """The first page's snippets, by listing."""
    listing_filter = ListingFilter({"q": words}, queryset=Listing.objects.public())
    return {row.pk: str(row.snippet) for row in run_search(listing_filter, page="1").listings}


@pytest.fixture
def started(monkeypatch):
    """Every Later the search's ranking makes, in order."""
    return recorded_laters(monkeypatch, listings.search.ranking)


@pytest.mark.usefixtures("board")
def test_the_background_ranking_gives_the_results_of_the_request_thread(started, settings):
    settings.SEARCH_PARALLEL_WORKERS = 0
    alone = search("phlebotomy")
    assert started and not any(later.ran_in_background for later in started)
    started.clear()
    settings.SEARCH_PARALLEL_WORKERS = 2
    assert search("phlebotomy") == alone
    assert any(later.ran_in_background for later in started)
    assert len(alone) == 20
    # A background job also ranked what the page would rank, and the page used it
    (job,) = [later for later in started if later._function is ranking._likely_order]
    assert job.ran_in_background and job.result()["candidates"][:20] == alone


@pytest.mark.usefixtures("board")
@pytest.mark.parametrize("words", ["phlebotomy", "phlebotomy work", '"general work"'])
def test_a_search_that_ranks_every_match_looks_up_no_headlines(
    words, started, settings, monkeypatch
):
    """Its likely order ranks every match: the headline lookups it would not use (the
    best headlines; for several words, those with every word; for a phrase, the
    listings that repeat it) are not started beside it, where they took a processor
    from the counts and from the ranking itself."""
    monkeypatch.setattr(ranking, "EXACT_RANK_MAX", 100)
    settings.SEARCH_PARALLEL_WORKERS = 2
    found = search(words)
    (likely,) = [later for later in started if later._function is ranking._likely_order]
    lookups = [later for later in started if later is not likely]
    assert len(lookups) == 1 + (" " in words) + words.startswith('"')
    assert likely._future is not None and "every" in likely.result()  # in the background
    assert found and all(later._future is None and not later._done for later in lookups)
    settings.SEARCH_PARALLEL_WORKERS = 0
    assert search(words) == found


@pytest.mark.usefixtures("board")
def test_a_search_planned_to_find_nothing_starts_its_best_headlines_at_once(started, settings):
    """ "phlebotomy zxqv": the planner expects next to nothing, so the likely order
    starts the best headlines in the background at once, for the partial matches
    ("phlebotomy"), which use them."""
    from listings.search.query import rank_query

    settings.SEARCH_PARALLEL_WORKERS = 2
    words, matching = "phlebotomy zxqv", Listing.objects.public().search("phlebotomy zxqv")
    headlines = ranking.Headlines(
        matching, headline_query(words), rank_query(words), start=True,
        rank_by=rank_query(words), bound=20,
    )  # fmt: skip
    best = headlines._best
    assert headlines._likely.result() == {"every": []}
    assert best._future is not None  # started by it, before the page found nothing
    assert best.result() and best.ran_in_background
    # and the page's partial matches use them
    started.clear()
    partial = run_search(ListingFilter({"q": words}, queryset=Listing.objects.public()), page="1")
    assert partial.unknown_words == ["zxqv"] and partial.listings
    (looked_up,) = [later for later in started if later._function.__name__ == "best_headlines"]
    assert looked_up.ran_in_background


@pytest.mark.usefixtures("board")
def test_few_results_are_ranked_once_for_the_counts_and_the_page(settings, monkeypatch):
    """The counts rank a search's few results as they count them; the background job
    had ranked the same matches already, so the request thread ranks nothing."""
    monkeypatch.setattr(ranking, "EXACT_RANK_MAX", 100)
    settings.SEARCH_PARALLEL_WORKERS = 2
    with CaptureQueriesContext(connection) as request_thread:
        found = search("phlebotomy")
    assert found and not any("ts_rank(" in query["sql"] for query in request_thread)
    settings.SEARCH_PARALLEL_WORKERS = 0
    with CaptureQueriesContext(connection) as alone:
        assert search("phlebotomy") == found
    assert any("ts_rank(" in query["sql"] for query in alone)


@pytest.mark.usefixtures("board")
def test_what_the_filters_keep_of_the_best_headlines_is_counted_once(settings, monkeypatch):
    """A filtered broad search counts how many of the board's best headlines its
    filters keep: the background job counts it, and the page reads that count."""
    monkeypatch.setattr(ranking, "BODY_RANK_MAX", 0)
    settings.SEARCH_PARALLEL_WORKERS = 2
    counted = []
    kept = ranking.Headlines.kept

    def counting(self, best):
        before = len(self._kept)
        found = kept(self, best)
        counted.append(len(self._kept) > before)
        return found

    monkeypatch.setattr(ranking.Headlines, "kept", counting)
    params = {"q": "phlebotomy", "comp": ["paid"]}
    listing_filter = ListingFilter(params, queryset=Listing.objects.public())
    found = [row.pk for row in run_search(listing_filter, page="1").listings]
    assert counted == [True, False]  # the job's count, then the page's read
    settings.SEARCH_PARALLEL_WORKERS = 0
    listing_filter = ListingFilter(params, queryset=Listing.objects.public())
    assert [row.pk for row in run_search(listing_filter, page="1").listings] == found


@pytest.mark.django_db
def test_an_estimated_total_takes_the_every_match_ranking_the_job_made(
    django_assert_num_queries, settings
):
    """The planner expected few matches, so the background job ranked every one; the
    sample then estimated more than the pages show. The page takes the exhaustive
    order instead of ranking candidates and then every match again (77 -> 49 ms)."""

    settings.SEARCH_CACHE_SECONDS = 60
    caches["search"].clear()

    class RankedEveryMatch:
        def done(self, kind, bound):
            return list(range(1, 1502)) if kind == "every" else None

    matching = Listing.objects.public()
    query = headline_query("phlebotomy")
    with django_assert_num_queries(0):
        ids = ranking.page_ids(
            matching, "relevance", query, 20, 20, headlines=RankedEveryMatch(), matches=1500,
            cache_key="test-search",
        )  # fmt: skip
    assert ids == list(range(21, 41))
    # ... and keeps it for the next pages and the next students: a warm page ranked
    # everything again (272 ms at a million)
    assert caches["search"].get("test-search:200") == list(range(1, 1001))
    with django_assert_num_queries(0):
        again = ranking.page_ids(
            matching, "relevance", query, 40, 20, headlines=None, matches=1500,
            cache_key="test-search",
        )  # fmt: skip
    assert again == list(range(41, 61))


@pytest.mark.usefixtures("board")
def test_a_page_other_than_the_one_asked_for_ranks_in_the_request(settings):
    """Page 999 of a search with fewer pages shows its last page: the candidates the
    background job ranked for page 999 are not those, so the request ranks its own."""
    settings.SEARCH_PARALLEL_WORKERS = 2
    listing_filter = ListingFilter({"q": "phlebotomy"}, queryset=Listing.objects.public())
    far = run_search(listing_filter, page="999")
    settings.SEARCH_PARALLEL_WORKERS = 0
    listing_filter = ListingFilter({"q": "phlebotomy"}, queryset=Listing.objects.public())
    alone = run_search(listing_filter, page="999")
    assert far.number == alone.number > 1
    assert [row.pk for row in far.listings] == [row.pk for row in alone.listings]


@pytest.mark.django_db
def test_inside_a_transaction_the_query_waits_for_the_request_thread(settings):
    """A test case or ATOMIC_REQUESTS: the rows the request wrote are not committed,
    so another connection would not see them."""
    settings.SEARCH_PARALLEL_WORKERS = 2
    assert connection.in_atomic_block
    later = Later(backend_pid)
    assert later.result() == backend_pid() and not later.ran_in_background


@pytest.mark.django_db(transaction=True)
def test_a_job_made_to_wait_can_be_started_later(settings):
    """The best headlines of a search that found nothing start while its words are
    checked (its partial matches will want them): a job made without starting, then
    started, runs in the pool, once."""
    settings.SEARCH_PARALLEL_WORKERS = 2
    later = Later(backend_pid, start=False)
    later.start()
    pid = later.result()
    assert later.ran_in_background and pid != backend_pid()
    later.start()  # done: nothing runs again
    assert later.result() == pid
    # A warm search (its order kept with its counts) starts no lookup for them
    warm = ranking.Headlines(Listing.objects.public(), headline_query("aide"), None, start=False)
    warm.look_up_now()
    assert warm._best._future is None


@pytest.mark.django_db(transaction=True)
def test_a_broken_background_connection_is_replaced(settings, monkeypatch):
    """With persistent connections (CONN_MAX_AGE), PostgreSQL ends the pool thread's
    session (a restart, an idle timeout): its next query connects again instead of
    failing."""
    settings.SEARCH_PARALLEL_WORKERS = 1  # one thread: the same connection each time
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 60)  # every thread's
    try:
        first = Later(backend_pid)
        pid = first.result()
        assert first.ran_in_background and pid != backend_pid()
        assert Later(backend_pid).result() == pid  # kept open
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        again = Later(backend_pid)
        assert again.result() not in (pid, backend_pid()) and again.ran_in_background
    finally:
        Later(connections.close_all).result()  # the test database is dropped at the end


@pytest.mark.django_db(transaction=True)
def test_a_query_that_fails_in_the_background_runs_again_in_the_request(settings, caplog):
    """A temporary table exists in the request's session only: the background
    connection gets a real error, and the request answers all the same."""
    settings.SEARCH_PARALLEL_WORKERS = 1
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE only_here (n int)")
        cursor.execute("INSERT INTO only_here VALUES (7)")

    def read():
        with connection.cursor() as cursor:
            cursor.execute("SELECT n FROM only_here")
            return cursor.fetchone()[0]

    with caplog.at_level(logging.WARNING, logger="listings.search.parallel"):
        later = Later(read)
        assert later.result() == 7
    assert not later.ran_in_background
    assert "running it again" in caplog.text
    with transaction.atomic():  # the request's connection still works
        assert read() == 7


@pytest.mark.usefixtures("board")
@pytest.mark.parametrize("words", ["17", "phlebotomy general", "aide -phlebotomy", "lab aide"])
def test_what_the_background_job_ranks_is_what_the_request_ranks(words, started, settings):
    """The job decides on the planner's estimate of the matches (a few: every one
    ranked; many: the candidates; several words in no headline together: every one),
    the page on their count; whatever it used, the page is the request thread's."""
    settings.SEARCH_PARALLEL_WORKERS = 0
    alone = search(words)
    settings.SEARCH_PARALLEL_WORKERS = 2
    started.clear()
    with CaptureQueriesContext(connection) as queries:
        assert search(words) == alone
    (job,) = [later for later in started if later._function is ranking._likely_order]
    ranked = job.result()
    assert ranked and set(ranked) <= {"every", "candidates"}
    if words == "17":  # one listing: every match ranked, in the background
        assert list(ranked) == ["every"] and ranked["every"] == alone
        assert not [q for q in queries.captured_queries if "ts_rank" in q["sql"]]


@pytest.mark.usefixtures("board")
def test_partial_matches_reuse_the_best_headlines_of_the_search_with_every_word(monkeypatch):
    """ "phlebotomy zxqv" finds nothing; its partial matches ("phlebotomy") have the
    same best headlines (zxqv is in none), looked up once."""
    from listings.models.managers import ListingQuerySet

    looked_up = []
    best_headlines = ListingQuerySet.best_headlines

    def recorded(self, query, limit):
        looked_up.append(str(query))
        return best_headlines(self, query, limit)

    monkeypatch.setattr(ListingQuerySet, "best_headlines", recorded)
    listing_filter = ListingFilter({"q": "phlebotomy zxqv"}, queryset=Listing.objects.public())
    partial = run_search(listing_filter, page="1")
    assert partial.unknown_words == ["zxqv"] and len(looked_up) == 1
    assert [row.pk for row in partial.listings] == search("phlebotomy")


@pytest.mark.usefixtures("board")
def test_the_filtered_headlines_rank_in_the_background_as_in_the_request(
    started, settings, monkeypatch
):
    """Too many matches to rank each, and a lab's institution leaves few of the
    board's best headlines: the background job ranks the best headlines of that
    institution's matches, as the request would."""
    monkeypatch.setattr(ranking, "BODY_RANK_MAX", 0)
    monkeypatch.setattr(ranking, "HEADLINE_CANDIDATES", 4)
    best = Listing.objects.public().best_headlines(headline_query("phlebotomy"), 4)
    among_best = Counter(
        Listing.objects.filter(id__in=best).values_list("lab__institution__slug", flat=True)
    )
    slugs = set(Listing.objects.values_list("lab__institution__slug", flat=True))
    slug = min(slugs, key=lambda slug: among_best[slug])
    assert among_best[slug] < ranking.HEADLINE_FEW  # few of the board's best are there

    def search_at(slug):
        params = {"q": "phlebotomy", "institution": [slug]}
        listing_filter = ListingFilter(params, queryset=Listing.objects.public())
        return [listing.pk for listing in run_search(listing_filter, page="1").listings]

    settings.SEARCH_PARALLEL_WORKERS = 0
    alone = search_at(slug)
    started.clear()
    settings.SEARCH_PARALLEL_WORKERS = 2
    assert search_at(slug) == alone and alone
    (job,) = [later for later in started if later._function is ranking._likely_order]
    assert job.ran_in_background and job.result()["filtered"][: len(alone)] == alone


@pytest.mark.usefixtures("board")
def test_snippets_are_made_in_a_search_thread_as_in_the_request(settings, monkeypatch):
    """The page's snippets (ts_headline over each description) are made in a search
    thread while the request loads the rows: the same snippets as made in the rows'
    own query, and that query then has no ts_headline."""
    made = recorded_laters(monkeypatch, listings.search.page)
    settings.SEARCH_PARALLEL_WORKERS = 0
    with CaptureQueriesContext(connection) as alone:
        inline = snippets("phlebotomy")
    assert not made and any("ts_headline(" in query["sql"] for query in alone)
    settings.SEARCH_PARALLEL_WORKERS = 2
    with CaptureQueriesContext(connection) as request_thread:
        assert snippets("phlebotomy") == inline
    (job,) = made
    assert job.ran_in_background
    assert not any("ts_headline(" in query["sql"] for query in request_thread)
    assert len(inline) == 20 and all("<mark>Phlebotomy</mark>" in s for s in inline.values())


@pytest.mark.django_db(transaction=True)
def test_a_statement_asked_at_once_in_two_threads_is_explained_once():
    """The counts and the background ranking of a search without facet filters ask the
    planner about the same statement at once: the second thread waits for the first's
    answer instead of explaining it again. Another statement is explained anew."""
    import threading

    from django.db import connections

    from listings.search.counts import planned_rows

    matching = Listing.objects.public().filter(title__icontains="phlebotomy")
    explained = {}  # thread name -> EXPLAINs it ran
    first_started, release = threading.Event(), threading.Event()

    def ask(name: str, hold: bool):
        def wrapper(execute, sql, params, many, context):
            if sql.startswith("EXPLAIN"):
                explained[name] = explained.get(name, 0) + 1
                if hold:
                    first_started.set()
                    release.wait(5)
            return execute(sql, params, many, context)

        try:
            with connections["default"].execute_wrapper(wrapper):
                answers[name] = planned_rows(matching)
        finally:
            connections["default"].close()

    answers = {}
    first = threading.Thread(target=ask, args=("first", True))
    first.start()
    assert first_started.wait(5)
    second = threading.Thread(target=ask, args=("second", False))
    second.start()
    second.join(0.3)
    assert second.is_alive()  # waiting for the first thread's answer
    release.set()
    first.join(5)
    second.join(5)
    assert explained == {"first": 1} and answers["first"] == answers["second"] >= 0
    with CaptureQueriesContext(connection) as again:
        planned_rows(Listing.objects.public().filter(title__icontains="blood"))
    assert [q["sql"][:7] for q in again] == ["EXPLAIN"]


@pytest.mark.django_db
def test_the_planners_answer_is_kept_only_while_the_request_runs(monkeypatch):
    """The same statement (a frozen clock in tests makes it so) asked again after the
    answer's short keep is explained anew: the data may have changed since."""
    from listings.search import counts

    matching = Listing.objects.public().filter(title__icontains="phlebotomy")
    with CaptureQueriesContext(connection) as first:
        counts.planned_rows(matching)
        counts.planned_rows(matching)  # at once: the answer kept
    assert [q["sql"][:7] for q in first] == ["EXPLAIN"]
    monkeypatch.setattr(counts, "PLANNED_SECONDS", 0)
    with CaptureQueriesContext(connection) as later:
        counts.planned_rows(matching)
    assert [q["sql"][:7] for q in later] == ["EXPLAIN"]


@pytest.mark.usefixtures("board")
def test_snippets_whose_thread_fails_are_made_by_the_request(settings, monkeypatch, caplog):
    """The snippets' query fails in the search thread (its connection broke): the page
    makes them itself, the same snippets, and says so in the log."""
    import threading

    from listings.search import snippets as snippet_module

    settings.SEARCH_PARALLEL_WORKERS = 0
    expected = snippets("phlebotomy")
    made = snippet_module.snippet_texts

    def breaks_in_a_thread(*args):
        if threading.current_thread() is not threading.main_thread():
            raise OperationalError("server closed the connection unexpectedly")
        return made(*args)

    monkeypatch.setattr(listings.search.page, "snippet_texts", breaks_in_a_thread)
    settings.SEARCH_PARALLEL_WORKERS = 2
    with caplog.at_level(logging.WARNING, logger="listings.search.parallel"):
        assert snippets("phlebotomy") == expected
    assert "running it again" in caplog.text
    assert len(expected) == 20 and all("<mark>" in s for s in expected.values())


@pytest.mark.django_db
def test_the_background_ranking_answers_the_counts_only_with_every_match_it_needs(
    django_assert_num_queries, monkeypatch
):
    """A broad search's background job ranks every match up to COUNT_CAP; the counts
    may ask for up to EXACT_RANK_MAX + 1 of them (few results, estimated from a thin
    sample). A full COUNT_CAP of them may have more behind it: the counts rank again
    (7 matches, not 5). Fewer than COUNT_CAP is every match; a slice it holds is
    answered from it."""
    from tests.support.factories import PublishedListingFactory

    monkeypatch.setattr(ranking, "COUNT_CAP", 5)
    matches = [PublishedListingFactory(title=f"Phlebotomy aide {n}").pk for n in range(7)]
    matching = Listing.objects.public()
    rank_by = headline_query("phlebotomy")

    def background(ids):
        class Done:
            def done(self, kind, bound):
                return ids if kind == "every" else None

        return ranking.RankedMatches(matching, rank_by, Done())

    everything = background(matches[:5])[:3001]  # the first 5 of 7: a query
    assert sorted(everything) == sorted(matches)
    with django_assert_num_queries(0):
        assert background(matches[:3])[:3001] == matches[:3]  # fewer than COUNT_CAP
        assert background(matches[:5])[:4] == matches[:4]  # a slice it holds
        # Ranked up to 9 (few planned, EXACT_RANK_MAX + 1), 7 found: every match
        assert background(ranking.EveryMatch(matches, 9))[:3001] == matches
