"""The authorization matrix, asserted: every named URL x every role x GET and POST
(the table and the rules are in tests/support/authorization.py); and every admin URL
against each ModelAdmin's own permissions."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.support.authorization import (
    ADMIN_LOGIN,
    LAB_STAFF,
    LOGIN,
    MATRIX,
    ROLES,
    STUDENTS,
    allowed,
    outcome,
    url_for,
)
from tests.support.urls import all_url_names

pytestmark = pytest.mark.django_db


def test_every_url_has_a_row():
    """The admin's own URLs follow one rule (test_admin_urls below); all others need a row."""
    names = {name for name in all_url_names() if not name.startswith("admin:")}
    assert names - set(MATRIX) == set(), "URLs without a row in the matrix"
    assert set(MATRIX) - names == set(), "rows for URLs that no longer exist"


@pytest.mark.parametrize("role", ROLES)
def test_matrix(client, world, role):
    users, objects = world
    if role != "anonymous":
        client.force_login(users[role])
    failures = []
    for name, (_kind, policy) in MATRIX.items():
        url = url_for(name, objects)
        expected = policy(role)
        for method in ("GET", "POST"):
            response = client.get(url) if method == "GET" else client.post(url, {})
            got = outcome(response)
            want = allowed(expected[method])
            # A redirect that is not to a login page counts as a plain 302.
            if got not in want and not (got in (LOGIN, ADMIN_LOGIN) and 302 in want - {LOGIN}):
                failures.append(f"{method} {url} ({name}) as {role}: {got}, expected {want}")
            if got == 500:
                failures.append(f"{method} {url} as {role}: server error")
        # A logout in the loop would change the next rows' role.
        if role != "anonymous" and "_auth_user_id" not in client.session:
            client.force_login(users[role])
    assert failures == [], "\n".join(failures)


ADMIN_VIEW_PERMISSION = {"changelist", "add", "change", "history", "delete"}


def admin_allows(model_admin, view: str, user) -> bool:
    """What the ModelAdmin itself says (model permissions, or its own rules, such as a
    read-only admin that allows no add)."""
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    if view == "add":
        return model_admin.has_add_permission(request)
    if view == "delete":
        return model_admin.has_delete_permission(request)
    return model_admin.has_view_or_change_permission(request)


@pytest.mark.parametrize("role", ROLES)
def test_admin_urls(client, world, role):
    """Every admin URL: anonymous visitors and non-staff accounts are sent to the
    admin's login; staff get 403 exactly where they lack the model permission."""
    from django.apps import apps

    users, _objects = world
    user = users.get(role)
    if user is not None:
        client.force_login(user)
    failures = []
    for name, route in all_url_names().items():
        if not name.startswith("admin:") or name in ("admin:login", "admin:logout"):
            continue
        url = admin_url(name, route)
        if url is None:
            continue
        response = client.get(url)
        got = outcome(response)
        if role == "anonymous" or role in STUDENTS | LAB_STAFF:
            if got != ADMIN_LOGIN:
                failures.append(f"GET {url} as {role}: {got}, expected the admin login")
            continue
        if got == 500:
            failures.append(f"GET {url} as {role}: server error")
        view = name.rsplit("_", 1)[-1]
        model_name = name.split(":")[1].rsplit("_", 1)[0]
        if model_name == "listings_pendinglisting":
            # The moderation queue: moderators' only; rows open the review page.
            may = user.has_perm("listings.moderate_listing")
            if view == "changelist" and (got == 200) != may:
                failures.append(f"GET {url} as {role}: {got} (moderator: {may})")
            continue
        if view in ADMIN_VIEW_PERMISSION and "_" in model_name:
            app_label, model = model_name.split("_", 1)
            try:
                model_admin = admin.site._registry[apps.get_model(app_label, model)]
            except (LookupError, KeyError):
                continue
            may = admin_allows(model_admin, view, user)
            if may and got == 403 or not may and got != 403:
                failures.append(f"GET {url} as {role}: {got} (the ModelAdmin allows: {may})")
    assert failures == [], "\n".join(failures)


def admin_url(name, route) -> str | None:
    """The admin URL with arguments filled in from rows that exist, or None."""
    from django.apps import apps

    if "<path:object_id>" in route:
        model_name = name.split(":")[1].rsplit("_", 1)[0]
        app_label, _, model = model_name.partition("_")
        try:
            instance = apps.get_model(app_label, model)._default_manager.first()
        except LookupError:
            return None
        return reverse(name, args=[instance.pk]) if instance is not None else None
    if "app_label" in route:
        return reverse(name, kwargs={"app_label": "listings"})
    if "<" in route or "(?P" in route:
        return None  # view_on_site and friends: exercised by Django's own tests
    return reverse(name)
