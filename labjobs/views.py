"""Project-level endpoints: the health check for load balancers."""

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
