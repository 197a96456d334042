"""Rows made once for a whole module's tests (property tests run many examples)."""

import contextlib

from django.db import transaction


@contextlib.contextmanager
def kept_for_module(django_db_blocker):
    """Inside: rows written stay for the module's tests; after: rolled back."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)
