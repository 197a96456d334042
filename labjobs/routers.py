"""Read replicas (DATABASE_REPLICA_URLS): listings' reads (search, listing and lab
pages, feeds, the API) go to a replica; everything else, every write, and every read
of a visitor who wrote in the last PRIMARY_AFTER_WRITE_SECONDS stay on the primary,
so nobody misses what they just saved because a replica lags."""

from __future__ import annotations

import random
import time
from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed

_on_primary: ContextVar[bool] = ContextVar("labjobs_reads_on_primary", default=False)
COOKIE = "labjobs_primary_until"
REPLICA_APPS = {"listings"}


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _on_primary.get() or model._meta.app_label not in REPLICA_APPS:
            return "default"
        return random.choice(settings.REPLICA_ALIASES)  # noqa: S311 - spreading load

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # replicas hold the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class PrimaryAfterWriteMiddleware:
    """A request that may write (not GET or HEAD) reads from the primary, and so do
    that visitor's next requests for a few seconds (a cookie says until when)."""

    def __init__(self, get_response):
        if not settings.REPLICA_ALIASES:
            raise MiddlewareNotUsed("No read replicas: every read is on the primary.")
        self.get_response = get_response

    def __call__(self, request):
        writes = request.method not in ("GET", "HEAD", "OPTIONS")
        try:
            pinned_until = float(request.COOKIES.get(COOKIE, "0"))
        except ValueError:
            pinned_until = 0.0
        token = _on_primary.set(writes or pinned_until > time.time())
        try:
            response = self.get_response(request)
        finally:
            _on_primary.reset(token)
        if writes:
            until = time.time() + settings.PRIMARY_AFTER_WRITE_SECONDS
            response.set_cookie(
                COOKIE, f"{until:.0f}", max_age=settings.PRIMARY_AFTER_WRITE_SECONDS,
                secure=request.is_secure(), httponly=True, samesite="Lax",
            )  # fmt: skip
        return response
