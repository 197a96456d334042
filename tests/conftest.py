"""Shared fixtures: users in each role, the labs they belong to, the authorization
world; clean caches, media and fast hashing for every test. Helpers that tests
import live in tests/support/."""

import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from hypothesis import settings as hypothesis_settings

from tests.support.authorization import build_world
from tests.support.factories import (
    AdminFactory,
    LabFactory,
    LabStaffFactory,
    StudentFactory,
    UserFactory,
)

# In CI the property tests replay the same examples every run, so a red build means a
# change broke something; locally they explore new examples each run.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


@pytest.fixture(autouse=True)
def mail_delivered_at_once(settings):
    """Mail goes into the outbox as always, and is delivered to `mail.outbox` at once
    instead of by a worker, so tests can read it. The queue itself (jobs in the same
    transaction, workers, retries, SMTP down) is tested in tests/labjobs/test_mail_queue.py
    and tests/system/test_workers.py, which switch this off."""
    settings.MAIL_QUEUE_EAGER = True


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The production hasher is slow on purpose; tests hash hundreds of passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Sign-ups are held to a floor in production (SIGNUP_MIN_SECONDS); tests sign up
    # hundreds of times. tests/accounts/test_signup_cost.py checks the floor itself.
    settings.SIGNUP_MIN_SECONDS = 0


@pytest.fixture(autouse=True)
def uncached_search_counts(settings):
    """Tests change listings between requests; counts cached for a minute would hide
    the change (a test of that cache sets it back itself)."""
    settings.SEARCH_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files go to a fresh folder per test, never into the project's .data/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def empty_cache(request):
    """Each test starts with empty caches: cached catalogue and synonyms must not leak
    from one test's database to the next, nor rate-limit counts from one test's
    logins to the next. The shared cache is a table, so only tests with a database
    can (and need to) empty it."""
    from django.core.cache import caches

    caches["search"].clear()
    if request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(
        request.fixturenames
    ):
        request.getfixturevalue("_django_db_helper")
        caches["default"].clear()


@pytest.fixture
def migration_data(transactional_db):
    """For transactional tests: the rows that data migrations create (role types,
    certifications, the Moderators group, synonyms), put back after the flush that
    ends each such test. Idempotent, so it does not matter which test runs first."""
    import importlib

    from django.apps import apps
    from django.core.management.sql import emit_post_migrate_signal
    from django.db.models.signals import post_save

    import listings.migrations as migrations_package
    from listings.migrations._synonym_pairs import add_pairs
    from listings.models import SearchSynonym
    from listings.models.headline import refresh_headline_groups, synonyms_changed

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")  # types, perms
    # The synonyms' headline groups once, not after each synonym saved
    post_save.disconnect(synonyms_changed, sender=SearchSynonym)
    try:
        for module, function in [
            ("listings.migrations.0002_seed_role_types_and_certifications", "seed"),
            ("listings.migrations.0003_moderators_group", "create_group"),
        ]:
            getattr(importlib.import_module(module), function)(apps, None)
        # and the synonyms each data migration seeds (its SYNONYMS)
        for path in sorted(Path(migrations_package.__file__).parent.glob("0*.py")):
            module = importlib.import_module(f"listings.migrations.{path.stem}")
            if hasattr(module, "SYNONYMS"):
                add_pairs(apps, module.SYNONYMS)
    finally:
        post_save.connect(synonyms_changed, sender=SearchSynonym)
    refresh_headline_groups()


@pytest.fixture
def lab():
    return LabFactory()


@pytest.fixture
def other_lab():
    return LabFactory()


@pytest.fixture
def student():
    return StudentFactory()


@pytest.fixture
def lab_staff(lab):
    return LabStaffFactory(profile__lab=lab)


@pytest.fixture
def other_lab_staff(other_lab):
    return LabStaffFactory(profile__lab=other_lab)


@pytest.fixture
def superuser():
    return AdminFactory()


@pytest.fixture
def moderator():
    """Staff in the Moderators group (created by migration), not a superuser."""
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.fixture
def staff_without_moderation():
    """An admin-site user who may view and edit listings but not moderate them."""
    from django.contrib.auth.models import Permission

    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="listings",
            codename__in=["view_listing", "change_listing"],
        )
    )
    return user


@pytest.fixture
def world():
    """Two labs, two students, staff of each lab (one unverified), a moderator and a
    superuser, with objects owned by lab X and student A (tests/support/authorization.py)."""
    return build_world()
