"""A query a search page will likely need, started in a background thread so that it
runs while the page counts its results, on a connection of its own.

A cold broad search spends most of its database time in two independent statements:
the sampled counts and the ranking of the headline table ("research": 12 ms and 14 ms
at 100,000 listings; at a million, the headline ranking alone takes 150 ms or more).
Started together, the page waits for the longer of the two instead of their sum.

The background thread cannot see what the request's connection has not committed, so
inside a transaction (ATOMIC_REQUESTS, or a test case) the query runs in the request's
own thread instead, when it is first needed; and `SEARCH_PARALLEL_WORKERS = 0` turns
the threads off. If the background query fails (its connection broke, the server
restarted), the request runs it again itself: a page never fails for the thread."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections

logger = logging.getLogger(__name__)

_pool: ThreadPoolExecutor | None = None
_pool_size = 0
_pool_lock = threading.Lock()


def _executor() -> ThreadPoolExecutor | None:
    """The process's pool (made on first use, after gunicorn forked the worker), as
    large as SEARCH_PARALLEL_WORKERS says."""
    global _pool, _pool_size
    workers = getattr(settings, "SEARCH_PARALLEL_WORKERS", 0)
    if workers <= 0:
        return None
    with _pool_lock:
        if _pool is None or _pool_size != workers:
            if _pool is not None:
                _pool.shutdown(wait=False)
            _pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="search")
            _pool_size = workers
        return _pool


def _in_background(function: Callable, args: tuple, alias: str) -> Any:
    """Run in a pool thread, on that thread's connection to `alias`, which lives as
    long as CONN_MAX_AGE allows (closed after each query when it is 0).

    A connection too old, or left by an error it may not survive, is closed first, as
    Django does between requests; but a job does not ask the server first whether
    the connection still works (Django's health check, a SELECT 1 before each
    request's first query, cost a cold search page 1.5 ms over its jobs). One that
    broke since (a restart, an idle timeout) fails the job's first query instead: it
    is closed and the job runs once more, on a new connection."""
    connection = connections[alias]
    connection.close_if_unusable_or_obsolete()
    connection.health_check_done = True
    try:
        return function(*args)
    except DatabaseError:
        if connection.connection is not None and connection.is_usable():
            raise  # the query's own error: the request runs it again (Later)
        connection.close()
        return function(*args)
    finally:
        if not connection.settings_dict.get("CONN_MAX_AGE"):
            connection.close()


def can_start(alias: str) -> bool:
    """Whether a query on `alias` can start in the background now: threads are on and
    the request's connection is outside a transaction (whose rows they cannot see)."""
    return not connections[alias].in_atomic_block and _executor() is not None


class Later:
    """`function(*args)` on the database `alias`: with `start`, started now in a pool
    thread when the request's connection is outside a transaction; else run on first
    `result()`, in the request's thread. A later job may wait for it too (the likely
    order waits for the best headlines, search.ranking): the pool starts jobs in the
    order they came, so a job never waits for one that cannot start."""

    def __init__(self, function: Callable, *args, alias: str = "default", start=True):
        self._function, self._args, self._alias = function, args, alias
        # One thread runs it, the other waits (a job not started in the pool may be
        # run by a background job and by the request at once)
        self._lock = threading.Lock()
        self._done = False
        self._value: Any = None
        self._future: Future | None = None
        self.ran_in_background = False
        pool = _executor() if start and can_start(alias) else None
        if pool is not None:
            self._future = pool.submit(_in_background, function, args, alias)

    def start(self) -> None:
        """Start it in a pool thread now, if it has neither started nor run and the
        request's connection is outside a transaction."""
        with self._lock:
            if self._future is None and not self._done and can_start(self._alias):
                self._future = _executor().submit(
                    _in_background, self._function, self._args, self._alias
                )

    def result(self) -> Any:
        with self._lock:
            if not self._done:
                self._value = self._wait() if self._future is not None else None
                if self._future is None or self._value is _FAILED:
                    self._value = self._function(*self._args)
                self._done = True
            return self._value

    def _wait(self) -> Any:
        try:
            value = self._future.result()
        except Exception:  # noqa: BLE001 - any failure: the request runs it itself
            logger.warning("search query in the background failed; running it again", exc_info=True)
            return _FAILED
        self.ran_in_background = True
        return value


_FAILED = object()
