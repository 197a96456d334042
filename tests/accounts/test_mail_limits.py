"""Mail to strangers: however many requesters ask, from however many addresses, one
address receives at most 3 password-reset or confirmation mails an hour and 6 a day."""

import itertools
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.support.factories import StudentFactory, signup_fields

pytestmark = pytest.mark.django_db
REQUESTERS = itertools.count(1)


def requester() -> Client:
    n = next(REQUESTERS)
    return Client(REMOTE_ADDR=f"10.9.{n // 256 % 256}.{n % 256}")


def mails_to(address: str) -> int:
    return sum(address in message.to for message in mail.outbox)


def test_password_resets_to_one_address_are_limited_per_hour_and_per_day():
    StudentFactory(email="victim@uni.edu")
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(30):  # 30 requesters in the same hour
            requester().post(reverse("account_reset_password"), {"email": "victim@uni.edu"})
        assert mails_to("victim@uni.edu") == 3
        for hour in range(1, 24):
            clock.move_to(start + timedelta(hours=hour, minutes=1))
            for _ in range(5):
                requester().post(reverse("account_reset_password"), {"email": "victim@uni.edu"})
        assert mails_to("victim@uni.edu") == 6


def test_sign_ups_with_a_taken_address_mail_its_owner_at_most_3_times_an_hour():
    StudentFactory(email="victim@uni.edu")
    for _ in range(30):
        requester().post(
            reverse("account_signup"),
            signup_fields("victim@uni.edu"),
        )
    assert mails_to("victim@uni.edu") <= 3


def test_resend_of_confirmation_links_is_limited(client):
    student = StudentFactory(email="new@uni.edu", verified_email=False)
    client.force_login(student)
    for _ in range(30):
        client.post(reverse("account_email"), {"action_send": "", "email": "new@uni.edu"})
    assert mails_to("new@uni.edu") <= 3


def test_one_requester_is_limited_across_addresses():
    for n in range(30):
        StudentFactory(email=f"student{n}@uni.edu")
    same = requester()
    answers = [
        same.post(reverse("account_reset_password"), {"email": f"student{n}@uni.edu"}).status_code
        for n in range(30)
    ]
    assert len(mail.outbox) <= 20 and 429 in answers
