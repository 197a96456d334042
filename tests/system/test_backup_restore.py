"""`manage.py backup` then `manage.py restore` into a fresh database and media folder
gives the same rows and a working site, uploaded CVs included."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from listings.models import Application, Listing
from tests.support.factories import PublishedListingFactory, SubmittedApplicationFactory
from tests.support.processes import manage

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migration_data"),
    pytest.mark.slow,
]
TABLES = ["listings_listing", "listings_application", "accounts_user", "listings_lab",
          "listings_applicationevent", "account_emailaddress", "listings_roletype"]  # fmt: skip

CHECK_RESTORED_SITE = """
import json
from django.db import connection
from django.test import Client
from accounts.models import User
from listings.models import Application
counts = {}
with connection.cursor() as cursor:
    for table in TABLES:
        cursor.execute(f"SELECT count(*) FROM {table}")
        counts[table] = cursor.fetchone()[0]
application = Application.objects.get(pk=APPLICATION)
client = Client()
search = client.get("/listings/?q=hematology")
client.force_login(application.student)
cv = client.get(f"/applications/{application.pk}/cv/")
print(json.dumps({"counts": counts, "search": search.status_code,
                  "found": "Hematology" in search.content.decode(),
                  "cv": cv.status_code, "cv_bytes": b"".join(cv.streaming_content).hex()}))
"""


def table_counts():
    counts = {}
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed names
            counts[table] = cursor.fetchone()[0]
    return counts


def test_backup_then_restore_into_a_fresh_database(tmp_path, settings, media_root):
    PublishedListingFactory.create_batch(3)
    listing = PublishedListingFactory(title="Hematology research assistant")
    application = SubmittedApplicationFactory(listing=listing)
    application.start_review(by=None)
    cv_bytes = application.cv.read()
    call_command("backup", output=str(tmp_path / "backup"), stdout=open("/dev/null", "w"))  # noqa: SIM115
    expected = table_counts()

    restored_name = f"{connection.settings_dict['NAME']}_restored"
    restored_media = tmp_path / "restored-media"
    restored_media.mkdir()
    env = {"DATABASE_NAME": restored_name, "MEDIA_ROOT": str(restored_media)}
    try:
        result = manage("restore", "--input", str(tmp_path / "backup"), **env)
        assert result.returncode == 0, result.stderr
        again = manage("restore", "--input", str(tmp_path / "backup"), **env)
        assert again.returncode != 0 and "not empty" in again.stderr  # never overwrites

        code = CHECK_RESTORED_SITE.replace("TABLES", repr(TABLES)).replace(
            "APPLICATION", str(application.pk)
        )
        check = manage("shell", "--no-imports", "-c", code, **env)
        assert check.returncode == 0, check.stderr
        site = json.loads(check.stdout.strip().splitlines()[-1])
    finally:
        drop_database(restored_name)

    assert site["counts"] == expected
    assert (site["search"], site["found"]) == (200, True)
    assert site["cv"] == 200 and bytes.fromhex(site["cv_bytes"]) == cv_bytes
    assert Listing.objects.count() == 4 and Application.objects.count() == 1


def drop_database(name):
    from psycopg import sql

    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def test_backup_refuses_a_folder_that_is_not_empty(tmp_path):
    from django.core.management.base import CommandError

    (tmp_path / "old.txt").write_text("x")
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", output=str(tmp_path))
    assert Path(tmp_path / "database.dump").exists() is False
