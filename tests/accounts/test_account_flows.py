"""Sign up, verify, log in and out, reset and change the password, change the email:
django-allauth's flows as LabJobs configures them, with the emails they send."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from accounts.models import Program, StudentProfile, User
from tests.support.factories import StudentFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"
NEW_PASSWORD = "a different staple 42"


def link_in(message) -> str:
    """The first link to this site in an email's text part, as a path."""
    match = re.search(r"https?://[^/\s]+(/\S+)", message.body)
    assert match, message.body
    return match.group(1)


def sign_up(client, email="ana@uni.edu", **extra):
    data = {
        "first_name": "Ana",
        "last_name": "Ruiz",
        "email": email,
        "password1": "Pipette-and-PCR-2029",
        "password2": "Pipette-and-PCR-2029",
        "program": Program.MS2,
        "graduation_year": "2028",
        **extra,
    }
    return client.post(reverse("account_signup"), data)


def test_student_signs_up_and_verifies_email_by_the_link(client):
    response = sign_up(client)

    assert response.status_code == 302
    user = User.objects.get(email="ana@uni.edu")
    assert user.role == User.Role.STUDENT
    assert user.student_profile.program == Program.MS2
    assert user.student_profile.graduation_year == 2028
    assert (user.first_name, user.last_name) == ("Ana", "Ruiz")
    assert not EmailAddress.objects.get(user=user).verified
    # The next page names the address and offers to send the link again.
    waiting = client.get(response.url).content.decode()
    assert "We sent a link to <strong>ana@uni.edu</strong>" in waiting
    assert "Send the link again" in waiting
    [message] = mail.outbox
    assert message.to == ["ana@uni.edu"]
    assert "Confirm" in message.subject or "confirm" in message.subject.lower()

    confirm = link_in(message)
    # Opening the link does not confirm by itself (mail scanners follow links)...
    assert client.get(confirm).status_code == 200
    assert not EmailAddress.objects.get(user=user).verified
    # ...the button on that page does, and logs the new student in.
    response = client.post(confirm)
    assert EmailAddress.objects.get(user=user).verified
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_no_login_before_the_email_is_verified(client):
    StudentFactory(email="ana@uni.edu", verified_email=False)

    response = client.post(reverse("account_login"), {"login": "ana@uni.edu", "password": PASSWORD})

    assert "_auth_user_id" not in client.session
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    [message] = mail.outbox  # a fresh link
    assert message.to == ["ana@uni.edu"]
    page = client.get(response.url).content.decode()
    assert "You have not confirmed your email address yet" in page
    assert "We sent a link to <strong>ana@uni.edu</strong>" in page


def test_the_link_is_sent_again_on_request_within_the_limit(client):
    sign_up(client)
    assert len(mail.outbox) == 1
    resend = reverse("accounts:confirmation_resend")

    at_once = client.post(resend, follow=True)
    assert len(mail.outbox) == 1  # allauth's limit: one every 3 minutes
    assert "If that address is waiting for confirmation" in at_once.content.decode()
    cache.clear()  # the 3 minutes have passed (the limit's counters live in the cache)
    client.post(resend)
    assert [m.to for m in mail.outbox] == [["ana@uni.edu"], ["ana@uni.edu"]]


def test_asking_again_without_a_sign_up_sends_nothing_and_says_the_same(client):
    StudentFactory(email="ana@uni.edu", verified_email=False)

    response = client.post(reverse("accounts:confirmation_resend"), follow=True)

    assert mail.outbox == []
    assert "If that address is waiting for confirmation" in response.content.decode()


def test_sign_up_asks_for_the_name_and_the_program_without_dashes(client):
    content = client.get(reverse("account_signup")).content.decode()

    for label in ("First name", "Last name", "Program and level", "Create my account"):
        assert label in content
    assert "---------" not in content and "Remember Me" not in content
    assert sign_up(client, first_name="").status_code == 200  # the name is required


def test_signup_form_errors_are_shown_and_nothing_is_created(client):
    response = sign_up(client, password2="something else", program="astronaut")

    assert response.status_code == 200
    assert not User.objects.exists()
    assert not StudentProfile.objects.exists()
    content = response.content.decode()
    assert "same password" in content
    assert "Select a valid choice" in content


def test_signup_with_a_taken_email_does_not_reveal_the_account(client):
    StudentFactory(email="ana@uni.edu")

    response = sign_up(client, email="ANA@uni.edu")

    # Same answer as a new sign-up; the owner of the address is told by email.
    assert response.status_code == 302
    assert User.objects.filter(email__iexact="ana@uni.edu").count() == 1
    [message] = mail.outbox
    assert [address.lower() for address in message.to] == ["ana@uni.edu"]
    assert "already" in message.body.lower()


def test_login_by_email_is_case_insensitive_and_returns_to_the_page(client):
    StudentFactory(email="ana@uni.edu")
    next_url = reverse("listings:application_list")

    response = client.post(
        reverse("account_login") + f"?next={next_url}",
        {"login": "Ana@Uni.EDU", "password": PASSWORD},
    )

    assert response.status_code == 302
    assert response.url == next_url


def test_logout_needs_a_post(client):
    client.force_login(StudentFactory())

    client.get(reverse("account_logout"))
    assert "_auth_user_id" in client.session  # a GET only shows the confirmation

    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


def test_failed_logins_are_throttled_even_with_the_right_password_after(client):
    StudentFactory(email="ana@uni.edu")
    for _ in range(5):
        response = client.post(reverse("account_login"), {"login": "ana@uni.edu", "password": "x"})
        assert response.status_code == 200

    response = client.post(reverse("account_login"), {"login": "ana@uni.edu", "password": PASSWORD})

    assert response.status_code == 200  # the form again, not a login
    assert "_auth_user_id" not in client.session
    assert "Too many failed login attempts" in response.content.decode()


def test_password_reset_by_emailed_link(client):
    user = StudentFactory(email="ana@uni.edu")

    client.post(reverse("account_reset_password"), {"email": "ana@uni.edu"})
    [message] = mail.outbox
    assert message.to == ["ana@uni.edu"]
    reset = client.get(link_in(message), follow=True)
    form_url = reset.redirect_chain[-1][0] if reset.redirect_chain else link_in(message)
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_password_reset_for_an_unknown_address_looks_the_same(client):
    StudentFactory(email="ana@uni.edu")
    known = client.post(reverse("account_reset_password"), {"email": "ana@uni.edu"})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@uni.edu"})

    assert (unknown.status_code, unknown.url) == (known.status_code, known.url)
    # Each address gets its own email; the asker learns nothing from the page.
    assert sorted(message.to[0] for message in mail.outbox) == ["ana@uni.edu", "nobody@uni.edu"]


def test_password_change(client):
    user = StudentFactory()
    client.force_login(user)

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_email_change_takes_effect_once_the_new_address_is_verified(client):
    user = StudentFactory(email="old@uni.edu")
    client.force_login(user)

    client.post(reverse("account_email"), {"action_add": "", "email": "new@uni.edu"})
    user.refresh_from_db()
    assert user.email == "old@uni.edu"
    [message] = mail.outbox
    assert message.to == ["new@uni.edu"]

    client.post(link_in(message))

    user.refresh_from_db()
    assert user.email == "new@uni.edu"
    assert EmailAddress.objects.get(user=user, email="new@uni.edu").verified


def test_account_pages_use_the_site_layout(client):
    response = client.get(reverse("account_login"))

    content = response.content.decode()
    assert response.status_code == 200
    assert 'href="/accounts/signup/"' in content
    assert "skip-link" in content  # LabJobs' base template, not allauth's bare one
