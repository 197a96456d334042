"""The admin's login, throttled like the site's own (django-allauth's limits do not
cover /admin/login/): failed attempts are counted in the shared cache per client
address and per email, so the limit holds across every instance."""

from django.contrib import admin
from django.core.cache import cache
from django.http import HttpResponse
from django.template.loader import render_to_string

WINDOW_SECONDS = 300
MAX_FAILURES_PER_EMAIL = 5
MAX_FAILURES_PER_ADDRESS = 20


def _keys(request) -> list[tuple[str, int]]:
    email = (request.POST.get("username") or "").strip().lower()[:254]
    # The same client address as allauth's limits (TRUSTED_PROXY_COUNT behind proxies).
    from allauth.core.internal.httpkit import get_client_ip

    address = get_client_ip(request) or ""
    keys = [(f"admin-login-failures:ip:{address}", MAX_FAILURES_PER_ADDRESS)]
    if email:
        keys.append((f"admin-login-failures:email:{email}", MAX_FAILURES_PER_EMAIL))
    return keys


def _throttled(request) -> bool:
    return any((cache.get(key) or 0) >= limit for key, limit in _keys(request))


def _record_failure(request) -> None:
    for key, _limit in _keys(request):
        # add() starts the window; incr() counts within it (atomic in Redis and SQL).
        if not cache.add(key, 1, WINDOW_SECONDS):
            try:
                cache.incr(key)
            except ValueError:  # expired between add() and incr()
                cache.add(key, 1, WINDOW_SECONDS)


def admin_login(request, extra_context=None):
    if request.method == "POST" and _throttled(request):
        body = render_to_string("429.html", request=request)
        response = HttpResponse(body, status=429)
        response["Retry-After"] = str(WINDOW_SECONDS)
        return response
    response = admin.site.login(request, extra_context=extra_context)
    if request.method == "POST" and not request.user.is_authenticated:
        _record_failure(request)
    return response
