"""Project-level endpoints: health checks for load balancers and for monitoring."""

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@require_safe
@never_cache
def healthz(request):
    """200 "ok" when a query reaches PostgreSQL now, 503 "unavailable" when not.
    Nothing else is revealed (no versions, no error text)."""
    try:
        # A real round trip, every time: a connection left open by an earlier request is
        # not trusted (if it broke, this query fails and Django drops it afterwards).
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@require_safe
@never_cache
def healthz_queue(request):
    """The job queue, for monitoring: 200 "ok" with how many jobs wait, or 503
    "degraded" when the oldest waiting job (one due now) is older than
    QUEUE_MAX_AGE_SECONDS (no worker runs, or they cannot keep up); failed emails are
    counted too. Nothing else is revealed."""
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*), extract(epoch FROM now() - min(coalesce(scheduled_at, e.at)))"
                "  FROM procrastinate_jobs j"
                "  LEFT JOIN LATERAL (SELECT min(at) AS at FROM procrastinate_events"
                "                      WHERE job_id = j.id AND type = 'deferred') e ON true"
                " WHERE j.status = 'todo' AND coalesce(j.scheduled_at, now()) <= now()"
            )
            waiting, oldest = cursor.fetchone()
            cursor.execute("SELECT count(*) FROM labjobs_outgoingemail WHERE status = 'failed'")
            (failed,) = cursor.fetchone()
    except DatabaseError:
        return HttpResponse("unavailable\n", status=503, content_type="text/plain")
    oldest = int(oldest or 0)
    summary = f"{waiting} waiting, oldest {oldest} s; {failed} failed emails\n"
    if oldest > settings.QUEUE_MAX_AGE_SECONDS:
        return HttpResponse("degraded: " + summary, status=503, content_type="text/plain")
    return HttpResponse("ok: " + summary, content_type="text/plain")
