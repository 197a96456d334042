"""Read replicas: listings' reads go to a replica; writes, other apps' reads and a
visitor's reads right after they wrote stay on the primary. With Django's TEST
MIRROR, a replica is the test database itself in tests."""

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory

from accounts.models import User
from labjobs.routers import COOKIE, PrimaryAfterWriteMiddleware, ReplicaRouter
from listings.models import Listing
from tests.support.processes import manage

router = ReplicaRouter()


@pytest.fixture
def replicas(settings):
    settings.REPLICA_ALIASES = ["replica1", "replica2"]
    return settings


def routed(request, *, model=Listing) -> str:
    """Where a read of `model` goes while the middleware handles `request`."""
    seen = {}

    def view(request):
        seen["db"] = router.db_for_read(model)
        return HttpResponse("ok")

    response = PrimaryAfterWriteMiddleware(view)(request)
    return seen["db"], response


def test_listing_reads_go_to_a_replica_and_the_rest_to_the_primary(replicas):
    db, _ = routed(RequestFactory().get("/listings/"))
    assert db in {"replica1", "replica2"}
    assert routed(RequestFactory().get("/listings/"), model=User)[0] == "default"
    assert router.db_for_write(Listing) == "default"
    assert router.allow_migrate("replica1", "listings") is False


def test_a_write_and_the_writers_next_reads_stay_on_the_primary(replicas):
    db, response = routed(RequestFactory().post("/listings/1/save/"))
    assert db == "default"
    cookie = response.cookies[COOKIE]
    assert int(cookie["max-age"]) == replicas.PRIMARY_AFTER_WRITE_SECONDS
    after = RequestFactory().get("/applications/")
    after.COOKIES[COOKIE] = cookie.value
    assert routed(after)[0] == "default"  # their own just-written pages
    stale = RequestFactory().get("/listings/")
    stale.COOKIES[COOKIE] = "0"  # long ago, or forged: only costs a primary read
    assert routed(stale)[0] in {"replica1", "replica2"}


def test_without_replicas_nothing_changes(settings):
    from django.core.exceptions import MiddlewareNotUsed

    settings.REPLICA_ALIASES = []
    with pytest.raises(MiddlewareNotUsed):
        PrimaryAfterWriteMiddleware(lambda request: HttpResponse())


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_configured_replica_serves_listing_reads(client):
    """The settings build a replica alias from DATABASE_REPLICA_URLS (mirroring the
    primary in tests) and the router sends listings' reads to it: here the replica
    URL is the test database itself."""
    database = connection.settings_dict
    if database["ENGINE"] == "labjobs.embedded_db":
        from labjobs import devdb

        url = f"postgres://postgres@/{database['NAME']}?host={devdb.ensure_running()}"
    else:
        url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    code = (
        "from django.conf import settings; from django.db import router;"
        "from listings.models import Listing; from accounts.models import User;"
        "print(settings.DATABASES['replica1']['TEST'], router.db_for_read(Listing),"
        " router.db_for_read(User), Listing.objects.using('replica1').count())"
    )
    result = manage(
        "shell", "--no-imports", "-c", code, DATABASE_REPLICA_URLS=url,
        DATABASE_NAME=database["NAME"],
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-3:] == ["replica1", "default", "0"]
    assert "'MIRROR': 'default'" in result.stdout
