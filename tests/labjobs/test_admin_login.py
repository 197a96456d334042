"""The admin has no login of its own: /admin/login/ sends everyone to the site's login
(allauth's secure_admin_login), so the site's failed-login limits guard admins too."""

from urllib.parse import unquote

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"  # the factories' password
LOGIN = reverse("account_login")


def test_the_admin_login_page_sends_visitors_to_the_site_login(client):
    for response in (client.get("/admin/login/?next=/admin/"), client.post("/admin/login/")):
        assert response.status_code == 302
        assert unquote(response.url).startswith(f"{LOGIN}?next=/admin/")


def test_an_admin_logs_in_on_the_site_login_and_lands_in_the_admin(client, superuser):
    response = client.post(
        f"{LOGIN}?next=/admin/", {"login": superuser.email, "password": PASSWORD}
    )
    assert response.status_code == 302 and response.url == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_signed_in_student_is_refused_the_admin_login(client, student):
    client.force_login(student)
    assert client.get("/admin/login/").status_code == 403


def test_failed_admin_logins_are_throttled_per_email(client, superuser):
    for _ in range(5):
        response = client.post(
            f"{LOGIN}?next=/admin/", {"login": superuser.email, "password": "wrong"}
        )
        assert response.status_code == 200

    blocked = client.post(f"{LOGIN}?next=/admin/", {"login": superuser.email, "password": PASSWORD})

    assert blocked.status_code == 200  # the form again, not a login
    assert "Too many failed login attempts" in blocked.content.decode()
    assert "_auth_user_id" not in client.session
    # Another account from elsewhere is not locked out by these failures.
    other = Client(REMOTE_ADDR="10.0.0.9")
    page = other.post(LOGIN, {"login": "someone@else.edu", "password": "x"}).content.decode()
    assert "Too many" not in page


def test_the_per_address_limit_counts_the_client_behind_a_proxy(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    proxy = Client(REMOTE_ADDR="10.0.0.1")

    def attempt(n: int, client_address: str) -> str:
        return proxy.post(
            LOGIN, {"login": f"user{n}@uni.edu", "password": "x"},
            HTTP_X_FORWARDED_FOR=client_address,
        ).content.decode()  # fmt: skip

    for n in range(10):  # allauth: 10 failed logins a minute per address
        assert "Too many" not in attempt(n, "203.0.113.7")

    assert "Too many" in attempt(99, "203.0.113.7")
    assert "Too many" not in attempt(99, "198.51.100.4")


def test_an_admin_made_by_createsuperuser_confirms_the_address_on_first_login(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-admin-password-1")
    call_command("createsuperuser", "--noinput", email="root@uni.edu", verbosity=0)
    client = Client()
    credentials = {"login": "root@uni.edu", "password": "a-long-admin-password-1"}

    response = client.post(f"{LOGIN}?next=/admin/", credentials)

    assert response.url == reverse("account_email_verification_sent")
    assert [message.to for message in mail.outbox] == [["root@uni.edu"]]
    assert "_auth_user_id" not in client.session  # not in the admin before confirming
