"""Whole-project checks: migrations match the models, the database has what search
needs, the import contracts hold, modules stay small."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
APP_MODULE_MAX_LINES = 400


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


@pytest.mark.slow
def test_import_contracts_hold():
    """The layering that README's "Where things live" describes (pyproject.toml's
    import-linter contracts): also run by `make lint`, here so that CI enforces it."""
    result = subprocess.run(
        [sys.executable, "-m", "importlinter.cli", "--no-cache"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def test_no_app_module_is_over_400_lines():
    long = {
        str(path.relative_to(ROOT)): lines
        for app in ("accounts", "listings", "labjobs")
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
        and (lines := len(path.read_text().splitlines())) > APP_MODULE_MAX_LINES
    }
    assert long == {}, "split these by domain"
