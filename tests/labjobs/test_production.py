"""Production hardening: `check --deploy` is clean, every response carries the security
headers, /healthz tells the truth about the database and nothing else, and a database
outage is a friendly 503, not a 500."""

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from tests.support.processes import GOOD_SECRET, manage

PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": GOOD_SECRET,
    "ALLOWED_HOSTS": "labjobs.example.edu",
    "DATABASE_URL": "postgres://labjobs@127.0.0.1:5432/labjobs",
}


@pytest.mark.slow  # manage.py in a subprocess
def test_check_deploy_prints_no_warning():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.slow  # manage.py in a subprocess
def test_production_settings_in_force():
    code = (
        "from django.conf import settings as s;"
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_SSL_REDIRECT,"
        " s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.ADMINS,"
        " s.STORAGES['staticfiles']['BACKEND'].rsplit('.', 1)[1],"
        " 'whitenoise.middleware.WhiteNoiseMiddleware' in s.MIDDLEWARE)"
    )
    result = manage(
        "shell", "--no-imports", "-c", code, ADMINS="Ana Admin <ana@example.edu>", **PRODUCTION
    )
    assert result.stdout.split("\n")[0] == (
        "31536000 True True True True [('Ana Admin', 'ana@example.edu')] "
        "CompressedManifestStaticFilesStorage True"
    ), result.stderr


@pytest.mark.django_db
def test_security_headers_on_every_page(client):
    response = client.get(reverse("listings:listing_list"))

    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_session_and_csrf_cookies_are_httponly_and_samesite(client, student):
    response = client.post(
        reverse("account_login"), {"login": student.email, "password": "correct horse battery"}
    )
    session = response.cookies["sessionid"]
    assert session["httponly"] and session["samesite"] == "Lax"
    csrf = (
        client.get(reverse("account_login")).cookies.get("csrftoken") or client.cookies["csrftoken"]
    )
    assert csrf["httponly"] and csrf["samesite"] == "Lax"


@pytest.mark.django_db
def test_healthz_reaches_the_database_and_says_nothing_else(client):
    response = client.get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok\n")
    assert response["Content-Type"] == "text/plain"
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_is_503_when_the_query_fails(client, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def down(self, sql, params=None):
        raise OperationalError("connection to server on socket failed: secret detail")

    monkeypatch.setattr(CursorWrapper, "execute", down)
    response = client.get("/healthz")

    assert (response.status_code, response.content) == (503, b"unavailable\n")


@pytest.mark.django_db
def test_database_outage_is_a_friendly_503(monkeypatch):
    import listings.views.public

    def down(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(listings.views.public, "run_search", down)
    response = Client(raise_request_exception=False).get(reverse("listings:listing_list"))

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    content = response.content.decode()
    assert "briefly unavailable" in content
    assert "server closed" not in content and "Traceback" not in content


@pytest.mark.slow  # manage.py in a subprocess
def test_s3_storage_by_setting():
    code = (
        "from django.conf import settings as s;"
        "d = s.STORAGES['default']; print(d['BACKEND'], d['OPTIONS']['bucket_name'],"
        " d['OPTIONS']['default_acl'], d['OPTIONS']['endpoint_url'])"
    )
    result = manage(
        "shell", "--no-imports", "-c", code,
        S3_BUCKET="labjobs-cvs", S3_ENDPOINT_URL="https://minio.example.edu",
    )  # fmt: skip
    assert result.stdout.strip() == (
        "storages.backends.s3.S3Storage labjobs-cvs private https://minio.example.edu"
    ), result.stderr
    plain = manage("shell", "--no-imports", "-c", "from django.conf import settings as s;"
                   "print(s.STORAGES['default']['BACKEND'])")  # fmt: skip
    assert plain.stdout.strip() == "django.core.files.storage.FileSystemStorage"


@pytest.fixture
def broken_search(settings, monkeypatch):
    """The search page raises: a server error, reported to ADMINS."""
    import listings.views.public

    settings.ADMINS = [("LabJobs team", "ops@example.edu")]

    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(listings.views.public, "run_search", broken)


def server_error():
    response = Client(raise_request_exception=False).get(reverse("listings:listing_list"))
    assert response.status_code == 500
    assert "a bug" not in response.content.decode()  # no traceback for the visitor


@pytest.mark.django_db
@pytest.mark.usefixtures("broken_search")
def test_server_errors_are_mailed_to_admins_through_the_outbox(settings):
    """The report is a row of the outbox and a job of the queue: the failing request
    does not wait for the mail server, and a refused report is tried again."""
    from django.core import mail

    from labjobs.models import OutgoingEmail

    settings.MAIL_QUEUE_EAGER = False  # as in production: the worker sends it
    server_error()
    assert mail.outbox == []
    [queued] = OutgoingEmail.objects.all()
    assert queued.to == ["ops@example.edu"] and queued.status == OutgoingEmail.Status.QUEUED
    assert "ValueError" in queued.subject or "a bug" in queued.body
    settings.MAIL_QUEUE_EAGER = True
    server_error()
    [report] = mail.outbox
    assert report.to == ["ops@example.edu"] and report.from_email == settings.SERVER_EMAIL


@pytest.mark.django_db
@pytest.mark.usefixtures("broken_search")
def test_a_report_the_outbox_cannot_take_goes_straight_to_the_mail_server(monkeypatch, caplog):
    """The error is the database's (it went away): the outbox cannot store the report,
    which goes to the mail server directly, as Django sends it."""
    from django.core import mail

    import labjobs.mail
    from labjobs.models import OutgoingEmail

    def database_gone(message):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(labjobs.mail, "queue_email", database_gone)
    server_error()
    [report] = mail.outbox
    assert report.to == ["ops@example.edu"]
    assert not OutgoingEmail.objects.exists()
    assert "the outbox failed (OperationalError)" in caplog.text


@pytest.mark.django_db
def test_a_report_from_a_broken_transaction_goes_straight_to_the_mail_server(settings):
    """An error logged inside a transaction that a failed query broke: the outbox
    cannot write there, so the report is mailed directly, and nothing is left behind."""
    import logging

    from django.core import mail
    from django.db import DatabaseError, connection, transaction

    from labjobs.models import OutgoingEmail

    settings.ADMINS = [("LabJobs team", "ops@example.edu")]
    settings.DEBUG = False
    with transaction.atomic():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1 FROM no_such_table")
        except DatabaseError:
            logging.getLogger("django.request").error("Internal Server Error: /broken/")
            transaction.set_rollback(True)  # the block ends by rolling back, as it must
    [report] = mail.outbox
    assert report.to == ["ops@example.edu"] and "/broken/" in report.subject
    assert not OutgoingEmail.objects.exists()
