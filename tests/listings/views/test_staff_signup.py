"""Lab staff sign up for a listed lab or ask for a new one; a confirmed address on the
lab's email domain verifies them at once, any other waits for an admin."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import LabStaffProfile, User
from accounts.services import email_domain_matches
from listings.models import Lab
from tests.support.factories import InstitutionFactory, LabFactory

pytestmark = pytest.mark.django_db
PASSWORD = "Centrifuge-and-Gel-77"


def staff_signup(client, **extra):
    data = {
        "first_name": "Amara",
        "last_name": "Okafor",
        "email": "amara@med.northfield.edu",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "title": "PI",
        **extra,
    }
    return client.post(reverse("listings:staff_signup"), data)


def confirm(client):
    path = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[-1].body).group(1)
    return client.post(path)


@pytest.fixture
def northfield_lab():
    return LabFactory(email_domains=["northfield.edu"])


def test_staff_on_the_labs_domain_are_verified_when_they_confirm(client, northfield_lab):
    response = staff_signup(client, lab=northfield_lab.pk)

    assert response.status_code == 302
    user = User.objects.get(email="amara@med.northfield.edu")
    assert user.role == User.Role.LAB_STAFF and user.get_full_name() == "Amara Okafor"
    profile = LabStaffProfile.objects.get(user=user)
    assert (profile.lab, profile.title, profile.verified) == (northfield_lab, "PI", False)

    confirm(client)

    profile.refresh_from_db()
    assert profile.verified and profile.verified_by is None
    assert client.get(reverse("listings:manage_dashboard")).status_code == 200


def test_staff_on_another_domain_wait_for_an_admin(client, northfield_lab):
    staff_signup(client, lab=northfield_lab.pk, email="amara@gmail.com")
    confirm(client)
    assert not LabStaffProfile.objects.get().verified


def test_asking_for_a_new_lab_creates_it_unapproved(client):
    institution = InstitutionFactory()

    staff_signup(
        client,
        new_lab_name="Chen Neuroimmunology Lab",
        new_lab_institution=institution.pk,
        new_lab_city="Chicago",
    )

    lab = Lab.objects.get(name="Chen Neuroimmunology Lab")
    assert (lab.approved, lab.slug, lab.requested_by.email) == (
        False, "chen-neuroimmunology-lab", "amara@med.northfield.edu"
    )  # fmt: skip
    assert LabStaffProfile.objects.get().lab == lab


@pytest.mark.parametrize(
    "extra",
    [{}, {"new_lab_name": "Only a name"}],
    ids=["no-lab", "half-a-new-lab"],
)
def test_a_lab_is_required_and_nothing_is_written_without_one(client, extra):
    response = staff_signup(client, **extra)
    assert response.status_code == 200
    assert "Choose your lab" in response.content.decode()
    assert not User.objects.exists() and not Lab.objects.exists()


def test_an_unapproved_lab_cannot_be_joined_from_the_list(client):
    pending = LabFactory(approved=False)
    response = staff_signup(client, lab=pending.pk)
    assert "Select a valid choice" in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("email", "domains", "matches"),
    [
        ("ana@uni.edu", ["uni.edu"], True),
        ("ana@med.uni.edu", ["uni.edu"], True),
        ("ana@UNI.EDU", ["uni.edu"], True),
        ("ana@evil-uni.edu", ["uni.edu"], False),
        ("ana@uni.edu.evil.com", ["uni.edu"], False),
        ("ana@uni.edu", [], False),
        ("ana@uni.edu", [""], False),
    ],
)
def test_email_domain_matching(email, domains, matches):
    assert email_domain_matches(email, domains) is matches
