"""Users: email is the login, unique whatever its case; roles; profiles."""

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import User
from labjobs.errors import IllegalTransition
from tests.support.factories import LabStaffProfileFactory, StudentFactory, StudentProfileFactory

pytestmark = pytest.mark.django_db


def test_email_is_unique_regardless_of_case():
    User.objects.create_user("Ana.Lopez@Uni.edu", "pw-12345-xyz")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create([User(email="ana.lopez@uni.EDU")])


def test_create_user_refuses_a_duplicate_in_other_case_with_a_clear_message():
    User.objects.create_user("ana@uni.edu", "pw-12345-xyz")
    with pytest.raises(ValidationError, match="already exists"):
        User.objects.create_user("ANA@uni.edu", "pw-12345-xyz")


def test_login_by_email_ignores_case():
    user = User.objects.create_user("Ben@Example.edu", "a long passphrase")
    assert authenticate(username="ben@example.EDU", password="a long passphrase") == user
    assert authenticate(username="ben@example.edu", password="wrong") is None


def test_role_must_be_known():
    user = StudentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=user.pk).update(role="pirate")


def test_superuser_needs_no_username():
    admin = User.objects.create_superuser("root@labjobs.test", "pw-12345-xyz")
    assert admin.is_staff and admin.is_superuser
    assert admin.get_username() == "root@labjobs.test"


def test_student_profile_graduation_year_is_checked():
    profile = StudentProfileFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        type(profile).objects.filter(pk=profile.pk).update(graduation_year=20260)


def test_membership_moves_record_who_and_when_and_refuse_illegal_ones(superuser):
    profile = LabStaffProfileFactory(status="requested")
    profile.approve(by=superuser)
    profile.refresh_from_db()
    [event] = profile.events.all()
    assert (profile.status, event.actor, event.from_status) == ("active", superuser, "requested")
    assert profile.is_lab_staff and profile.can_remove and not profile.can_decline
    with pytest.raises(IllegalTransition):
        profile.decline(by=superuser)


def test_role_helpers():
    assert StudentFactory().is_student
    assert LabStaffProfileFactory().user.is_lab_staff
