"""Two gunicorn instances on two ports, one database, one Redis: a student logs in on
one and carries on on the other; failed logins counted on one are refused on the
other. Nothing a request needs lives in one process."""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from tests.support.factories import StudentFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migration_data"),
    pytest.mark.slow,
]
ROOT = Path(__file__).resolve().parent.parent.parent
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
PASSWORD = "correct horse battery"
PUBLIC_HOST = "localhost"  # the one public name both instances serve


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_url():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.flushdb()  # database 15 is this test's own
    except redis.exceptions.ConnectionError:
        pytest.fail(f"Redis is not reachable at {REDIS_URL} (set TEST_REDIS_URL).")
    yield REDIS_URL
    client.flushdb()


@pytest.fixture
def two_instances(redis_url):
    """Two gunicorn servers (one worker each) on the test database and one Redis."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DATABASE_NAME=connection.settings_dict["NAME"],
        REDIS_URL=redis_url,
        SESSION_ENGINE="django.contrib.sessions.backends.cached_db",
        WEB_CONCURRENCY="1",
        SEARCH_CACHE_SECONDS="0",
    )
    ports, servers = [free_port(), free_port()], []
    for port in ports:
        servers.append(
            subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
                [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "labjobs.wsgi"],
                cwd=ROOT,
                env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
        )
    try:
        for port, server in zip(ports, servers, strict=True):
            wait_until_serving(port, server)
        yield [f"http://127.0.0.1:{port}" for port in ports]
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=20)


def wait_until_serving(port, server, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail("gunicorn exited: " + server.stderr.read().decode()[-2000:])
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):  # noqa: S310
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            # Not listening yet, or listening but still starting (a busy machine: its
            # first answer took more than 2 s while a million listings were seeded)
            time.sleep(0.2)
    pytest.fail(f"gunicorn on port {port} did not answer /healthz in {timeout} s")


def student_with_password(email):
    """A student whose password the servers can check: they use the production hasher
    (this test process uses a fast one that they do not know)."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    student = StudentFactory(email=email)
    student.password = PBKDF2PasswordHasher().encode(PASSWORD, "scale-out-salt", iterations=1000)
    student.save(update_fields=["password"])
    return student


class Browser:
    """A cookie-keeping HTTP client. Like a load balancer in front of the instances,
    it sends both the same Host (allauth keys login failures by site and email)."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def get(self, url):
        request = urllib.request.Request(url, headers={"Host": PUBLIC_HOST})  # noqa: S310
        return self._open(request)

    def post_form(self, url, data):
        page = self.get(url)[1]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
        headers = {"Referer": url, "Host": PUBLIC_HOST}
        request = urllib.request.Request(url, data=body, headers=headers)  # noqa: S310
        return self._open(request)

    def _open(self, request):
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), dict(error.headers)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_log_in_on_one_instance_and_continue_on_the_other(two_instances):
    first, second = two_instances
    student = student_with_password("ana@uni.edu")
    browser = Browser()

    status, _, headers = browser.post_form(
        f"{first}/accounts/login/", {"login": student.email, "password": PASSWORD}
    )
    assert status == 302, "login on the first instance"

    status, page, _ = browser.get(f"{second}/applications/")
    assert status == 200, "the session is known to the second instance"
    assert "My applications" in page


def test_failed_logins_counted_on_one_instance_hold_on_the_other(two_instances):
    first, second = two_instances
    student_with_password("ana@uni.edu")
    for _ in range(5):
        status, page, _ = Browser().post_form(
            f"{first}/accounts/login/", {"login": "ana@uni.edu", "password": "wrong"}
        )
        assert status == 200 and "Too many" not in page

    status, page, _ = Browser().post_form(
        f"{second}/accounts/login/", {"login": "ana@uni.edu", "password": PASSWORD}
    )

    assert status == 200  # the form again, not a login
    assert "Too many failed login attempts" in page
