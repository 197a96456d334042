"""Whole-project checks: migrations match the models, the database has what search needs."""

import pytest
from django.core.management import call_command
from django.db import connection


@pytest.mark.django_db
def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db
def test_postgres_extensions_are_installed():
    with connection.cursor() as cursor:
        cursor.execute("SELECT extname FROM pg_extension")
        extensions = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT unaccent('Hématologie'), similarity('phlebotomy', 'flebotomy')")
        unaccented, similarity = cursor.fetchone()
    assert {"pg_trgm", "unaccent"} <= extensions
    assert unaccented == "Hematologie"
    assert similarity > 0.4


def test_database_is_postgresql():
    assert connection.vendor == "postgresql"
