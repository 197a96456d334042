"""Joining a lab: sign up for a listed lab or ask for a new one. A confirmed address on
the lab's email domain makes one its staff at once; any other address asks, and the
lab's staff (or a moderator) approve or decline; staff may remove members. Until then
the person is not the lab's staff at all."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import LabStaffProfile, User
from listings.models import Lab
from listings.services.labs import email_domain_matches
from tests.support.factories import (
    InstitutionFactory,
    LabFactory,
    LabStaffFactory,
    PublishedListingFactory,
)

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


def test_staff_on_the_labs_domain_join_when_they_confirm(client, northfield_lab):
    response = staff_signup(client, lab=northfield_lab.pk)

    assert response.status_code == 302
    user = User.objects.get(email="amara@med.northfield.edu")
    assert user.role == User.Role.LAB_STAFF and user.get_full_name() == "Amara Okafor"
    profile = LabStaffProfile.objects.get(user=user)
    assert (profile.lab, profile.title, profile.status) == (northfield_lab, "PI", "unconfirmed")

    confirm(client)

    profile.refresh_from_db()
    assert profile.status == "active"
    assert profile.events.last().actor is None  # the system, on the confirmed domain
    assert client.get(reverse("listings:manage_dashboard")).status_code == 200


@pytest.fixture
def requester(client, northfield_lab, django_capture_on_commit_callbacks):
    """Someone who asked to join from an address outside the lab's domains and
    confirmed it; the lab has one member of staff."""
    staff = LabStaffFactory(profile__lab=northfield_lab, email="lead@northfield.edu")
    listing = PublishedListingFactory(lab=northfield_lab)
    staff_signup(client, lab=northfield_lab.pk, email="amara@gmail.com")
    with django_capture_on_commit_callbacks(execute=True):
        confirm(client)
    return LabStaffProfile.objects.get(user__email="amara@gmail.com"), staff, listing


def test_anyone_else_asks_and_the_labs_staff_are_told(client, requester):
    profile, staff, listing = requester
    assert profile.status == "requested"
    announcement = mail.outbox[-1]
    assert announcement.to == [staff.email]
    assert "amara@gmail.com" in announcement.body and "/manage/members/" in announcement.body
    # Until approved, not the lab's staff at all.
    for url in (reverse("listings:manage_dashboard"),
                reverse("listings:manage_listing", args=[listing.pk])):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 403 and "waiting for its staff" in response.content.decode()
    assert client.get(reverse("listings:manage_members")).status_code == 403


def test_the_labs_staff_approve_from_the_members_page(
    client, requester, django_capture_on_commit_callbacks
):
    profile, staff, _listing = requester
    staff_client = type(client)()
    staff_client.force_login(staff)
    page = staff_client.get(reverse("listings:manage_members")).content.decode()
    assert "amara@gmail.com" in page and "Asking to join" in page

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("listings:manage_member_approve", args=[profile.pk]))

    profile.refresh_from_db()
    assert profile.status == "active" and profile.events.last().actor == staff
    assert mail.outbox[-1].to == ["amara@gmail.com"]
    assert "You are now staff" in mail.outbox[-1].subject
    assert client.get(reverse("listings:manage_dashboard")).status_code == 200


def test_the_labs_staff_decline_and_remove(client, requester):
    profile, staff, _listing = requester
    staff_client = type(client)()
    staff_client.force_login(staff)
    staff_client.post(reverse("listings:manage_member_decline", args=[profile.pk]))
    profile.refresh_from_db()
    assert profile.status == "declined"
    assert client.get(reverse("listings:manage_dashboard")).status_code == 403

    colleague = LabStaffFactory(profile__lab=profile.lab)
    staff_client.post(
        reverse("listings:manage_member_remove", args=[colleague.lab_staff_profile.pk])
    )
    colleague.lab_staff_profile.refresh_from_db()
    assert colleague.lab_staff_profile.status == "removed"
    # Nobody removes themselves (the lab is never left by accident).
    response = staff_client.post(
        reverse("listings:manage_member_remove", args=[staff.lab_staff_profile.pk]), follow=True
    )
    assert "cannot remove yourself" in response.content.decode()


def test_another_labs_staff_cannot_decide(client, requester):
    profile, _staff, _listing = requester
    client.force_login(LabStaffFactory())  # staff of another lab
    response = client.post(reverse("listings:manage_member_approve", args=[profile.pk]))
    assert response.status_code == 404
    profile.refresh_from_db()
    assert profile.status == "requested"


def test_a_request_with_an_unconfirmed_address_cannot_be_approved(client, northfield_lab):
    staff = LabStaffFactory(profile__lab=northfield_lab)
    staff_signup(client, lab=northfield_lab.pk, email="amara@gmail.com")  # not confirmed
    profile = LabStaffProfile.objects.get(user__email="amara@gmail.com")
    assert len(mail.outbox) == 1  # only the confirmation link: the lab is not told yet
    client.force_login(staff)
    response = client.post(
        reverse("listings:manage_member_approve", args=[profile.pk]), follow=True
    )
    assert "has not confirmed their address" in response.content.decode()
    profile.refresh_from_db()
    assert profile.status == "requested"


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
    profile = LabStaffProfile.objects.get()
    assert (profile.lab, profile.status) == (lab, "unconfirmed")


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
