"""One account per email address, whatever its spelling (Unicode compatibility forms
and case folding compare equal everywhere): the key, and every path that uses it."""

import itertools

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.identity import email_key
from accounts.models import User
from tests.support.factories import AdminFactory, StudentFactory, signup_fields

PASSWORD = "correct horse battery"  # the factories' password
# Look-alike spellings of ASCII letters that case folding or NFKC make equal (or that
# PostgreSQL's upper() does): the class of the sign-up hole.
VARIANTS = {
    "s": ["s", "S", "ſ", "ｓ", "Ｓ"],
    "i": ["i", "I", "ı", "ｉ", "Ｉ"],
    "k": ["k", "K", "K", "ｋ"],  # the second K is the Kelvin sign
    "a": ["a", "A", "ａ", "Ａ"],
    "d": ["d", "D", "ｄ"],
    "m": ["m", "M", "ｍ"],
    "n": ["n", "N", "ｎ"],
    "t": ["t", "T", "ｔ"],
    "u": ["u", "U", "ｕ"],
    "e": ["e", "E", "ｅ"],
    "o": ["o", "O", "ｏ"],
}
LOCAL = st.text(alphabet=sorted(VARIANTS), min_size=3, max_size=10)
# Django's email validator takes "ſ", "ı" and the Kelvin sign (its pattern is [A-Z]
# with IGNORECASE, and Python matches those three case-insensitively) but refuses
# full-width letters: logins can only be typed in these.
ACCEPTED = {
    letter: [v for v in forms if v.isascii() or v in "ſıK"] for letter, forms in VARIANTS.items()
}


def spellings(local: str, variants=VARIANTS):
    """A strategy of spellings of `local@uni.edu`, each letter in any look-alike form."""
    letters = [st.sampled_from(variants[letter]) for letter in local]
    return st.tuples(*letters).map(lambda chars: "".join(chars) + "@uni.edu")


def test_known_look_alikes_share_one_key():
    base = email_key("student@uni.edu")
    for spelling in [
        "Student@Uni.edu",
        "ſtudent@uni.edu",
        "ｓｔｕｄｅｎｔ@uni.edu",
        " student@UNI.EDU ",
    ]:
        assert email_key(spelling) == base
    assert email_key("admın@uni.edu") == email_key("admin@uni.edu")  # dotless i
    assert email_key("ﬁona@uni.edu") == email_key("fiona@uni.edu")  # the ligature
    assert email_key("straße@uni.edu") == email_key("STRASSE@uni.edu")
    assert email_key("ana@uni.edu") != email_key("anna@uni.edu")


@given(local=LOCAL, data=st.data())
def test_every_spelling_has_the_key_of_the_plain_address(local, data):
    spelling = data.draw(spellings(local))
    assert email_key(spelling) == email_key(f"{local}@uni.edu")
    assert email_key(email_key(spelling)) == email_key(spelling)  # a fixed point


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    first=st.text(alphabet="sSſıiIkKKａＡ", min_size=1, max_size=4),
    second=st.text(alphabet="sSſıiIkKKａＡ", min_size=1, max_size=4),
)
def test_what_postgresql_compares_equal_has_one_key(first, second):
    """Django's iexact and allauth compare in the database; the key must be at least
    as coarse, or the database could find two accounts for one key."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT upper(%s) = upper(%s), lower(%s) = lower(%s)",
                       [first, second, first, second])  # fmt: skip
        upper_equal, lower_equal = cursor.fetchone()
    if upper_equal or lower_equal:
        assert email_key(first) == email_key(second)


# -- every path -------------------------------------------------------------------

ADDRESSES = itertools.count()


def _client() -> Client:
    """A client from an address of its own: the per-address limits stay out of the way."""
    n = next(ADDRESSES)
    return Client(REMOTE_ADDR=f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}")


def _sign_up(address: str):
    return _client().post(reverse("account_signup"), signup_fields(address))


def _log_in(client: Client, address: str, password: str):
    return client.post(reverse("account_login"), {"login": address, "password": password})


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(local=LOCAL, data=st.data())
def test_a_second_spelling_never_makes_a_second_account(local, data):
    owner = f"{local}@uni.edu"
    if not User.objects.filter(email_key=email_key(owner)).exists():
        StudentFactory(email=owner)
    spelling = data.draw(spellings(local))

    response = _sign_up(spelling)

    assert User.objects.filter(email_key=email_key(owner)).count() == 1
    if response.status_code == 302:
        # The same answer as for the taken address itself: "check your email".
        assert response.url == reverse("account_email_verification_sent")
    else:  # refused as malformed, whoever has an account (full-width letters)
        assert response.status_code == 200
        assert "Enter a valid email address" in response.content.decode()


@pytest.mark.django_db
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(local=LOCAL, data=st.data())
def test_login_by_any_spelling_never_fails_with_a_server_error_and_shares_one_lockout(local, data):
    owner = f"{local}@uni.edu"
    if not User.objects.filter(email_key=email_key(owner)).exists():
        StudentFactory(email=owner)
    tries = [data.draw(spellings(local, ACCEPTED)) for _ in range(6)]
    client = _client()
    for spelling in tries[:5]:
        response = _log_in(client, spelling, "wrong")
        assert response.status_code == 200

    response = _log_in(_client(), tries[5], PASSWORD)  # right password, other spelling

    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()


@pytest.mark.django_db
def test_the_owner_logs_in_with_any_spelling(client):
    StudentFactory(email="sam@uni.edu")
    response = _log_in(client, "ſAM@uni.edu", PASSWORD)
    assert response.status_code == 302 and "_auth_user_id" in client.session


@pytest.mark.django_db
def test_the_superuser_cannot_be_shadowed_and_still_logs_in():
    admin = AdminFactory(email="admin@labjobs.test")
    _sign_up("admın@labjobs.test")
    _sign_up("ADMIN@labjobs.test")

    assert User.objects.filter(email_key=email_key("admin@labjobs.test")).count() == 1
    client = _client()
    response = client.post(
        f"{reverse('account_login')}?next=/admin/",
        {"login": "admin@labjobs.test", "password": PASSWORD},
    )
    assert response.status_code == 302 and response.url == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert User.objects.get(email_key=email_key("admin@labjobs.test")) == admin


@pytest.mark.django_db
def test_sign_up_with_a_look_alike_mails_the_owner_not_the_look_alike():
    StudentFactory(email="student@uni.edu")
    _sign_up("ſtudent@uni.edu")
    assert [message.to for message in mail.outbox] == [["student@uni.edu"]]


@pytest.mark.django_db
def test_password_reset_for_a_look_alike_goes_to_the_registered_address():
    StudentFactory(email="student@uni.edu")
    _client().post(reverse("account_reset_password"), {"email": "ſtudent@uni.edu"})
    [message] = mail.outbox
    assert message.to == ["student@uni.edu"]
    assert "password" in message.subject.lower()


@pytest.mark.django_db
def test_changing_to_an_address_another_account_has_sends_no_confirmation(client):
    StudentFactory(email="student@uni.edu")
    attacker = StudentFactory(email="mallory@uni.edu")
    client.force_login(attacker)

    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "ſtudent@uni.edu"}, follow=True
    )

    assert response.status_code == 200
    assert mail.outbox == []
    assert not attacker.emailaddress_set.filter(email__icontains="tudent").exists()
    # An address nobody has is sent its confirmation as usual.
    client.post(reverse("account_email"), {"action_add": "", "email": "mallory2@uni.edu"})
    assert [message.to for message in mail.outbox] == [["mallory2@uni.edu"]]


@pytest.mark.django_db
def test_the_admin_user_form_refuses_a_look_alike(client):
    StudentFactory(email="student@uni.edu")
    client.force_login(AdminFactory())
    response = client.post(
        reverse("admin:accounts_user_add"),
        {"email": "ſtudent@uni.edu", "role": "student", "password1": "a long new passphrase",
         "password2": "a long new passphrase", "usable_password": "true"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert User.objects.filter(email_key=email_key("student@uni.edu")).count() == 1


@pytest.mark.django_db
def test_the_database_refuses_a_second_account_for_one_key():
    from django.db import IntegrityError, transaction

    StudentFactory(email="student@uni.edu")
    with pytest.raises(IntegrityError), transaction.atomic():
        User(email="ſtudent@uni.edu").save()


@pytest.mark.django_db
def test_logging_in_by_a_look_alike_never_mails_the_look_alike():
    StudentFactory(email="sam@uni.edu", verified_email=False)
    _log_in(_client(), "ſam@uni.edu", PASSWORD)  # unconfirmed: allauth mails a link
    assert [message.to for message in mail.outbox] == [["sam@uni.edu"]]
