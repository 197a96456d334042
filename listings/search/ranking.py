"""The order of a search's results: by relevance, the best first, found without
ranking every match of a broad search (page_ids); or by another sort (order)."""

from __future__ import annotations

import math

from django.conf import settings
from django.core.cache import caches
from django.db.models import F, QuerySet
from django.db.models.expressions import RawSQL

from .counts import planned_rows
from .parallel import Later, can_start

COUNT_CAP = 1000
RANK_CANDIDATES = 200  # newest matches ranked on a broad search's first pages
HEADLINE_CANDIDATES = 500  # best headline matches ranked too (see page_ids)
EXACT_RANK_MAX = 3_000  # up to this many matches, every one is ranked
# Up to this many, every match is ranked too when fewer than HEADLINE_FEW listings
# have the words in their title or role types (words of descriptions: "patient consent")
BODY_RANK_MAX = 15_000
HEADLINE_FEW = 20
# When filters (a place, a role) keep fewer than this many of the best
# HEADLINE_CANDIDATES headlines (and at least HEADLINE_FEW), more are looked up, in
# proportion, up to HEADLINE_DEEPEST: about as many of the search's own best headlines
# kept as a search without filters would rank (see _deeper)
HEADLINE_ENOUGH = 100
HEADLINE_DEEPEST = 5_000
# A quoted phrase's best matches without it in their title repeat it in a short
# description: the listings with it the most times (4, 3, 2 or more: its pairs index
# tells no more) are candidates too, from the most down, until about
# REPEATED_ENOUGH; never more than REPEATED_MOST (see _repeating)
REPEATED_TIMES = (4, 3, 2)
REPEATED_ENOUGH = 100
REPEATED_MOST = 2_000


def order(queryset: QuerySet, sort: str) -> QuerySet:
    """Order by a sort other than relevance (see page_ids for that)."""
    if sort == "deadline":
        return queryset.order_by(F("deadline").asc(nulls_last=True), "-published_at", "-id")
    if sort == "pay":
        return queryset.order_by(F("pay_rate").desc(nulls_last=True), "-published_at", "-id")
    return queryset.order_by("-published_at", "-id")


class Headlines:
    """The listings whose headlines match a search best (page_ids' candidates): with
    `start`, looked up in the background at once (search.parallel), to run while the
    counts do; else each when first asked for. `any_word`: any of the words (None: no
    wanted word); `every_word`: all of them, when there are several.

    With `rank_by`, a third background job ranks what page_ids will likely rank for
    the first `bound` results, deciding on the planner's estimate of the matches in
    place of their count (`_likely_order`): the page then waits for the counts or
    for the ranking, not for one after the other. page_ids uses what it ranked when
    it decides the same (`done`), and ranks itself otherwise. That job looks up only
    the headlines its order needs, in its own thread; none is started beside it."""

    def __init__(
        self, matching: QuerySet, any_word, every_word, *, start: bool, rank_by=None,
        bound: int = 0, best_of: Headlines | None = None, filtered: bool = False,
        phrases: list[str] | None = None,
    ):  # fmt: skip
        manager = matching.model._default_manager.db_manager(matching.db)
        self._matching, self._cold, self._manager = matching, start, manager
        self.filtered = filtered  # filters besides the words: they may leave few

        # The likely order only in the background (in the request, it would rank
        # before page_ids decides). It looks the headlines up itself when its order
        # needs them: a search of up to EXACT_RANK_MAX planned matches ranks every
        # match, and its headline lookup, started beside it, only took a processor
        # from the counts ("phlebotomist boston": 35-55 ms of six synonyms' headlines).
        self.bound = bound if rank_by is not None and start and can_start(matching.db) else 0
        # So are the headlines with every word and the repeated phrases: several words
        # with few headlines of them all rank every match, and the lookups, started
        # beside that ranking, only took a processor from it ("sample preparation":
        # 51 -> 45 ms, by turns). A search the planner expects to find nearly nothing
        # starts the best headlines at once, for its partial matches (_likely_order).
        eager = start and not self.bound

        def later(function, *args) -> Later:
            return Later(function, *args, alias=matching.db, start=eager)

        self._best = self._every = self._likely = self._deeper = self._repeated = None
        self._kept: dict[tuple[int, ...], int] = {}
        self.any_word = any_word
        if any_word is not None:
            # The same search with plain words no listing has (`best_of`: this is its
            # partial matches, search.suggest.words_found) found the same best
            # headlines: such a word adds nothing to any headline's score, and ts_rank
            # divides all of them by the same number of words.
            reused = best_of._best if best_of is not None else None
            self._best = reused or later(manager.best_headlines, any_word, HEADLINE_CANDIDATES)
            if every_word is not None:
                self._every = later(manager.headlines_with, every_word, HEADLINE_FEW)
            if phrases:
                self._repeated = later(_repeating, manager, phrases)
        if self.bound:
            self._likely = Later(
                _likely_order, self, matching, rank_by, self.bound, alias=matching.db
            )

    @property
    def searched(self) -> bool:
        return self._best is not None

    @property
    def several_words(self) -> bool:
        return self._every is not None

    def best(self) -> list[int]:
        return self._best.result() if self._best is not None else []

    def look_up_now(self) -> None:
        """Start looking the best headlines up in the background, if nothing has: the
        search found nothing, and its partial matches will want them (best_of),
        unless it is warm (their order is kept with their counts)."""
        if self._best is not None and self._cold:
            self._best.start()

    def kept(self, best: list[int]) -> int:
        """How many of the best headlines the search's filters keep (one count of
        up to HEADLINE_CANDIDATES ids, or of the deeper list), counted once: the
        background job counts it for the likely order, and the page, deciding the
        same after it, reads it ("research" paid: 4-7 ms the request no longer
        spends)."""
        ids = tuple(best)
        known = self._kept.get(ids)  # one item set per list: safe across threads
        if known is None:
            known = self._kept[ids] = self._matching.filter(id__any=ids).order_by().count()
        return known

    def deeper(self, depth: int) -> list[int]:
        """The best `depth` headlines (more than `best`), looked up once for a depth."""
        known = self._deeper  # (depth, ids): one assignment, safe across threads
        if known is None or known[0] != depth:
            known = self._deeper = (depth, self._manager.best_headlines(self.any_word, depth))
        return known[1]

    def deepest(self) -> list[int]:
        """The deeper list last looked up (`deeper`)."""
        return self._deeper[1] if self._deeper is not None else []

    def repeating(self) -> list[int]:
        """The listings that repeat the search's quoted phrase most (_repeating)."""
        return self._repeated.result() if self._repeated is not None else []

    def with_every_word(self) -> int:
        """How many (up to HEADLINE_FEW) have every word in their headline."""
        return self._every.result() if self._every is not None else 0

    def done(self, kind: str, bound: int) -> list[int] | None:
        """The order of `kind` ("every" match, or the "candidates" or "filtered"
        candidates for `bound` results) if the background job ranked it."""
        if self._likely is None or (kind != "every" and bound != self.bound):
            return None
        return self._likely.result().get(kind)


def bound_for(number: int, size: int) -> int:
    """How many results a broad search ranks candidates for, to show page `number`."""
    return min(COUNT_CAP, max(RANK_CANDIDATES, number * size))


class RankedMatches:
    """Every match of a search best first, sliced as a queryset is, for the counts to
    rank a search's few results as they count them (search.counts): the background
    job's ranking when it ranked every match (it keeps EXACT_RANK_MAX + 1 of them,
    enough to tell whether there are more), else a query. Both ranked the same
    matches before, one in each thread ("blood" with a role and a schedule: 17 and
    19 ms)."""

    def __init__(self, matching: QuerySet, rank_by, headlines: Headlines | None):
        self._matching, self._rank_by, self._headlines = matching, rank_by, headlines

    def __getitem__(self, wanted: slice) -> list[int]:
        done = self._headlines.done("every", 0) if self._headlines is not None else None
        # Ranked in the background up to its limit (EveryMatch): it answers a slice it
        # holds, or any slice when it found fewer than its limit (every match)
        limit = getattr(done, "limit", COUNT_CAP)
        if done is not None and ((wanted.stop or 0) <= len(done) or len(done) < limit):
            return done[wanted]
        return list(self._matching.ranked(self._rank_by).values_list("id", flat=True)[wanted])


def _likely_order(headlines: Headlines, matching: QuerySet, rank_by, bound: int) -> dict:
    """What page_ids will likely rank, by the planner's estimate of the matches (every
    match: as many as the counts may take, RankedMatches)."""
    planned = planned_rows(matching)
    if planned < HEADLINE_FEW:
        # Likely nothing or next to nothing: a search that finds nothing wants its
        # best headlines for its partial matches ("phlebotomy zxqv"), at once
        headlines.look_up_now()
    if planned <= EXACT_RANK_MAX:
        limit = EXACT_RANK_MAX + 1
        return {"every": EveryMatch(_every_ranked(matching, rank_by, limit), limit)}
    ranked: dict[str, list[int]] = {}

    def rank(kind: str, bound: int) -> list[int]:
        ranked[kind] = _ranked(kind, matching, rank_by, headlines, bound)
        if kind == "every":
            ranked[kind] = EveryMatch(ranked[kind], COUNT_CAP)
        return ranked[kind]

    _broad_order(headlines, planned, bound, rank)
    return ranked


class EveryMatch(list):
    """Every match's id, best first, as far as `limit`: holding `limit` of them, there
    may be more (RankedMatches)."""

    def __init__(self, ids, limit: int):
        super().__init__(ids)
        self.limit = limit


def _ranked(kind: str, matching: QuerySet, rank_by, headlines: Headlines, bound: int) -> list[int]:
    """Every match ranked (the first COUNT_CAP), or the "candidates": the newest
    `bound` matches, the best headlines and the listings that repeat the search's
    phrase most, ranked on their full vectors; "filtered": the best headlines among
    the matches (their filters applied) in place of the board's."""
    if kind == "every":
        return _every_ranked(matching, rank_by)
    if kind == "filtered":
        best = matching.best_headlines_here(headlines.any_word, HEADLINE_CANDIDATES)
    elif kind == "deeper":
        best = headlines.deepest()
    else:
        best = headlines.best()
    best = [*best, *headlines.repeating()]
    ranked = matching.filter(id__in=_with_newest(matching, bound, best)).ranked(rank_by)
    return list(ranked.values_list("id", flat=True))


def _repeating(manager, phrases: list[str]) -> list[int]:
    """The listings that repeat one of a search's `phrases` the most: those with it at
    least 4 times, else 3, else twice, the first of these that holds
    REPEATED_ENOUGH, or all that repeat it when none does; a number of times more
    than REPEATED_MOST listings reach is not looked at ("informed consent" at a
    million: 1,165 with it three times, five of them in the exhaustive top 10 and
    none in the others' candidates). One index lookup each, answered from the pairs
    index (an empty one in a fraction of a millisecond)."""
    found: list[int] = []
    for times in REPEATED_TIMES:
        ids = manager.repeating(phrases, times, REPEATED_MOST + 1)  # holds the more repeated
        if len(ids) > REPEATED_MOST:
            break
        found = ids
        if len(found) >= REPEATED_ENOUGH:
            break
    return found


def _with_newest(matching: QuerySet, bound: int, ids: list[int]) -> RawSQL:
    """The newest `bound` matches and `ids`, as a subquery: the ranking reads the newest
    itself, in the same statement, not in a query of their own before it."""
    newest = matching.order_by("-published_at", "-id").values("id")[:bound]
    sql, params = newest.query.get_compiler(using=matching.db).as_sql()
    # `sql` is the ORM's own statement; the ids and its values are bound parameters
    return RawSQL(f"({sql}) UNION SELECT unnest(%s::bigint[])", (*params, list(ids)))  # noqa: S611


def _every_ranked(matching: QuerySet, rank_by, up_to: int = COUNT_CAP) -> list[int]:
    """Every match ranked on its full vector: the first `up_to` (COUNT_CAP)."""
    return list(matching.ranked(rank_by).values_list("id", flat=True)[:up_to])


def _broad_order(headlines: Headlines, matches: int | None, bound: int, rank) -> list[int]:
    """A broad search's order: `rank(kind, bound)` of the candidates, or of every
    match when the headlines say little of the best matches (see page_ids)."""
    every_match = matches is not None and matches <= BODY_RANK_MAX
    best, titled = [], 0  # headline candidates; listings with the words in theirs
    if headlines.several_words and every_match:
        # Every word in the headline, not any ("patient consent": none, though
        # "patient" is in many titles)
        titled = headlines.with_every_word()
        if titled >= HEADLINE_FEW:
            best = headlines.best()
    elif headlines.searched:
        best = headlines.best()
        titled = len(best)
    if titled >= HEADLINE_FEW or not every_match:
        # What the filters (a role, a city) keep of the best headlines: counted first
        # when there are filters, so that a search they leave few does not rank the
        # candidates only to drop them ("python" remote at a million: 70-100 ms of
        # newest matches read before ranking every match)
        kept = headlines.kept(best) if headlines.filtered and best else None
        kind, depth = "candidates", _deeper(kept, len(best))
        if depth:
            # The filters keep a few dozen of the board's best headlines: the best
            # of their own are often further down ("phlebotomist boston" at a
            # million: 21 kept, 6/10 of the exhaustive top 10; 2,500 looked up,
            # 10/10). The longer list keeps at least as many: not counted again.
            best, kind, kept = headlines.deeper(depth), "deeper", None
        if kept is None or kept >= HEADLINE_FEW or (not every_match and len(best) < HEADLINE_FEW):
            ranked_ids = rank(kind, bound)
            kept = len(set(best).intersection(ranked_ids))  # as counted, when it was
        if kept >= HEADLINE_FEW or (not every_match and len(best) < HEADLINE_FEW):
            return ranked_ids
        if not every_match:
            # Too many matches to rank each, and the filters left few of the board's
            # best headlines: the best headlines of the search's own matches (their
            # headline ranking costs 130-400 ms at a million, hence only below
            # HEADLINE_FEW: README, "Search benchmark").
            return rank("filtered", bound)
        # else every match is ranked
    # The words are in descriptions, hardly in titles together (or in titles the
    # filters leave out): the headlines say little of the best matches, so every
    # match is ranked (20-70 ms at 7,000-14,000 matches).
    return rank("every", bound)


def _deeper(kept: int | None, found: int) -> int:
    """How many best headlines to look up when the filters keep `kept` of the first
    `found` (0: no more than those): enough to keep about HEADLINE_ENOUGH, when
    there are more to look up and the filters keep at least HEADLINE_FEW (fewer:
    the best headlines of the search's own matches are ranked instead)."""
    if kept is None or found < HEADLINE_CANDIDATES or not HEADLINE_FEW <= kept < HEADLINE_ENOUGH:
        return 0
    return min(HEADLINE_DEEPEST, HEADLINE_CANDIDATES * math.ceil(HEADLINE_ENOUGH / kept))


def page_ids(
    matching: QuerySet,
    sort: str,
    query,
    offset: int,
    size: int,
    total: int | None = None,
    cache_key: str | None = None,
    ranked_ids: list[int] | None = None,
    rank_by=None,
    headlines: Headlines | None = None,
    matches: int | None = None,
) -> list[int]:
    """The ids of one page of results, in order (one query; a broad search by relevance
    takes three, and keeps the order with the counts). `matches`: the total, exact or
    estimated; `headlines`: the search's best headlines (Headlines)."""
    if sort != "relevance" or query is None:
        return list(order(matching, sort).values_list("id", flat=True)[offset : offset + size])
    rank_by = rank_by or query
    if total is not None and total <= EXACT_RANK_MAX:
        # Every match ranked: the exact best first (bench_search reports the top-10
        # overlap). The order is kept with the counts (or came with them: ranked_ids),
        # so paging and other students running the same search do not rank again.
        if ranked_ids is None and cache_key:
            ranked_ids = caches["search"].get(cache_key)
        if ranked_ids is None:
            ranked_ids = headlines.done("every", 0) if headlines else None
            if ranked_ids is None:
                ranked_ids = _every_ranked(matching, rank_by)
            ranked_ids = ranked_ids[:COUNT_CAP]
            if cache_key:
                caches["search"].set(cache_key, ranked_ids, settings.SEARCH_CACHE_SECONDS)
        return ranked_ids[offset : offset + size]
    # A broad search: ranking every match on its full vector takes 80-140 ms at 100,000
    # listings. The candidates are the listings whose title or role types match best
    # (ranked on the narrow headline table, models/headline.py) and the newest matches
    # (deeper pages widen them); those are ranked on their full vectors.
    bound = bound_for(offset // size + 1, size)
    key = f"{cache_key}:{bound}" if cache_key else None
    ranked_ids = caches["search"].get(key) if key else None
    if ranked_ids is None:
        # The background job ranked every match (the planner expected few): the
        # exact order, whatever the estimated total says
        ranked_ids = headlines.done("every", 0) if headlines is not None else None
        if ranked_ids is None:
            headlines = headlines or Headlines(matching, None, None, start=False)

            def rank(kind: str, bound: int) -> list[int]:
                done = headlines.done(kind, bound)
                if done is None:
                    done = _ranked(kind, matching, rank_by, headlines, bound)
                return done

            ranked_ids = _broad_order(headlines, matches, bound, rank)
        ranked_ids = ranked_ids[:COUNT_CAP]
        if key:
            caches["search"].set(key, ranked_ids, settings.SEARCH_CACHE_SECONDS)
    return ranked_ids[offset : offset + size]
