"""Sign-up costs the same for a taken address and a new one: the slow part, hashing
the password, happens once on both paths (and the answer is the same page), so its
timing does not tell which addresses have accounts. `bench/signup_timing.py` measures
the two with the production hasher."""

import pytest
from django.urls import reverse

from tests.support.factories import StudentFactory, signup_fields
from tests.support.hashers import CountingHasher

pytestmark = pytest.mark.django_db


@pytest.fixture
def counting_hasher(settings):
    settings.PASSWORD_HASHERS = ["tests.support.hashers.CountingHasher"]
    CountingHasher.encodings = 0
    return CountingHasher


def sign_up(client, email, url="account_signup", **extra):
    return client.post(reverse(url), signup_fields(email, **extra))


def test_a_new_address_and_a_taken_one_hash_a_password_once_each(client, counting_hasher):
    StudentFactory(email="taken@uni.edu")
    counting_hasher.encodings = 0

    new = sign_up(client, "new@uni.edu")
    hashed_for_new = counting_hasher.encodings
    taken = sign_up(client, "taken@uni.edu")
    hashed_for_taken = counting_hasher.encodings - hashed_for_new

    assert (hashed_for_new, hashed_for_taken) == (1, 1)
    assert new.status_code == taken.status_code == 302
    assert new.url == taken.url == reverse("account_email_verification_sent")


def test_lab_staff_sign_up_too(client, counting_hasher, lab):
    StudentFactory(email="taken@uni.edu")
    counting_hasher.encodings = 0
    staff = {"first_name": "Ana", "last_name": "Ruiz", "title": "PI", "lab": lab.pk}

    sign_up(client, "new@uni.edu", url="listings:staff_signup", **staff)
    hashed_for_new = counting_hasher.encodings
    sign_up(client, "taken@uni.edu", url="listings:staff_signup", **staff)

    assert (hashed_for_new, counting_hasher.encodings - hashed_for_new) == (1, 1)


def test_both_answers_are_held_to_the_same_floor(client, settings):
    """Creating an account does more work than answering for a taken address; both
    POSTs answer after SIGNUP_MIN_SECONDS, so the difference does not show."""
    import time

    settings.SIGNUP_MIN_SECONDS = 0.3
    StudentFactory(email="taken@uni.edu")
    durations = []
    for email in ("new@uni.edu", "taken@uni.edu"):
        started = time.monotonic()
        sign_up(client, email)
        durations.append(time.monotonic() - started)
    assert min(durations) >= 0.3
