"""Editing a listing never loses work: a half-written draft is kept, submitting from
the form saves its edits first (or marks what is missing, edits kept), dates in the
past are refused on their field, errors that span fields sit on the field they
concern, and the history speaks plain words."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from listings.models import Listing, ListingEvent
from tests.support.factories import ListingFactory, RejectedListingFactory, role_type

from .test_manage import listing_data

pytestmark = pytest.mark.django_db
CREATE = reverse("listings:manage_listing_create")


@pytest.fixture
def staff_client(client, lab_staff):
    client.force_login(lab_staff)
    return client


def edit_url(listing) -> str:
    return reverse("listings:manage_listing", args=[listing.pk])


def opened(staff_client, listing) -> dict:
    """The edit form's data as the page serves it (with its version), as a POST body."""
    form = staff_client.get(edit_url(listing)).context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value in (None, ""):
            continue
        data[name] = [str(v) for v in value] if isinstance(value, list) else str(value)
    return data


def blank(staff_client) -> dict:
    """The new-listing form as a browser sends it untouched: its defaults (work mode,
    openings, how students apply) and nothing typed."""
    form = staff_client.get(CREATE).context["form"]
    return {name: str(form[name].value()) for name in ("work_mode", "openings",
            "apply_method", "form_token")}  # fmt: skip


def name_of(user) -> str:
    return user.get_full_name() or user.email


def test_save_draft_keeps_a_half_written_listing(staff_client, lab):
    data = {**blank(staff_client), "title": "Zebrafish aide", "action": "save"}
    response = staff_client.post(CREATE, data)
    listing = Listing.objects.get()
    assert response.status_code == 302
    assert (listing.title, listing.status, listing.lab) == ("Zebrafish aide", "draft", lab)
    assert (listing.hours_min, listing.levels, listing.description) == (None, [], "")
    page = staff_client.get(edit_url(listing))
    assert page.status_code == 200 and "Zebrafish aide" in page.content.decode()
    # Its preview (the public page, to its lab only) shows what is there.
    assert staff_client.get(listing.get_absolute_url()).status_code == 200


def test_submitting_an_incomplete_listing_saves_it_and_marks_every_missing_field(staff_client, lab):
    data = {**blank(staff_client), "title": "Zebrafish aide", "action": "submit"}
    response = staff_client.post(CREATE, data)
    listing = Listing.objects.get()
    assert listing.status == "draft"  # saved, not submitted
    edit = staff_client.post(
        edit_url(listing),
        {**opened(staff_client, listing), "description": "Feed the fish.", "action": "submit"},
    )
    assert edit.status_code == 422
    listing.refresh_from_db()
    assert (listing.status, listing.description) == ("draft", "Feed the fish.")  # kept
    form = edit.context["form"]
    assert set(form.errors) == {"role_types", "levels", "compensation", "hours_min",
                                "hours_max", "schedules"}  # fmt: skip
    page = edit.content.decode()
    assert 'href="#id_hours_min"' in page and 'href="#id_role_types_0"' in page
    assert response.status_code == 422
    # The new listing's form came back at the create address: it posts to the draft's
    # own page, so saving it again updates the draft instead of making another.
    assert f'action="{edit_url(listing)}"' in response.content.decode()


def test_submit_from_the_edit_page_submits_the_edits(staff_client, lab):
    """It used to submit what was saved before: the new title was lost."""
    listing = ListingFactory(lab=lab, title="Old title")
    data = {**opened(staff_client, listing), "title": "New title", "action": "submit"}
    response = staff_client.post(edit_url(listing), data)
    listing.refresh_from_db()
    assert response.status_code == 302, response.content.decode()[:2000]
    assert (listing.title, listing.status) == ("New title", "pending")
    sentences = [event.sentence for event in listing.events.order_by("id")]
    name = name_of(lab.staff.get().user)
    assert sentences == [f"{name} changed the title", f"{name} submitted it for review"]


def test_a_rejected_listing_resubmitted_from_its_form_keeps_the_fixes(staff_client, lab):
    listing = RejectedListingFactory(lab=lab)
    data = {**opened(staff_client, listing), "description": "Now with details.", "action": "submit"}
    staff_client.post(edit_url(listing), data)
    listing.refresh_from_db()
    assert (listing.status, listing.description) == ("pending", "Now with details.")


@pytest.mark.parametrize("field", ["deadline", "start_date"])
def test_dates_in_the_past_are_refused_on_their_field(staff_client, lab, field):
    yesterday = timezone.localdate() - timedelta(days=6)
    response = staff_client.post(CREATE, listing_data(**{field: yesterday.isoformat()}))
    assert response.status_code == 200
    assert "has passed" in response.context["form"].errors[field][0]
    assert not Listing.objects.exists()
    today = timezone.localdate().isoformat()
    assert f'min="{today}"' in response.content.decode()  # the date picker says so too


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"hours_min": "20", "hours_max": "5"}, "hours_max"),
        ({"compensation": "volunteer", "pay_rate": "15"}, "pay_rate"),
        ({"compensation": "paid", "pay_rate": ""}, "pay_rate"),
        ({"apply_method": "external", "apply_url": ""}, "apply_url"),
        ({"apply_method": "labjobs", "apply_url": "https://lab.example.edu/apply"}, "apply_url"),
    ],
)
def test_errors_that_span_fields_sit_on_their_field(staff_client, extra, field):
    response = staff_client.post(CREATE, listing_data(**extra))
    form = response.context["form"]
    assert list(form.errors) == [field]
    assert not form.non_field_errors()


def test_the_form_warns_before_leaving_unsaved_changes(staff_client, lab):
    page = staff_client.get(CREATE).content.decode()
    assert "data-guard-unsaved" in page and "js/unsaved.js" in page


def test_history_is_in_plain_words_old_events_too(lab, lab_staff):
    listing = ListingFactory(lab=lab)
    name = name_of(lab_staff)
    for reason in ("Created.", "Edited (deadline, version).", "Edited (version)."):
        ListingEvent.objects.create(listing=listing, actor=lab_staff, from_status="draft",
                                    to_status="draft", reason=reason)  # fmt: skip
    ListingEvent.objects.create(listing=listing, actor=None, from_status="published",
                                to_status="expired", reason="Past its expiry date.")  # fmt: skip
    assert [event.sentence for event in listing.events.order_by("id")] == [
        f"{name} created the listing",
        f"{name} changed the application deadline",
        f"{name} saved it unchanged",
        "It expired",
    ]


def test_lab_staff_land_on_their_dashboard_after_login(client, lab_staff, student):
    for user, landing in ((lab_staff, reverse("listings:manage_dashboard")),
                          (student, reverse("listings:listing_list"))):  # fmt: skip
        response = client.post(
            reverse("account_login"), {"login": user.email, "password": "correct horse battery"}
        )
        assert response.url == landing, user
        client.logout()
    response = client.post(
        reverse("account_login") + "?next=/listings/",
        {"login": lab_staff.email, "password": "correct horse battery"},
    )
    assert response.url == "/listings/"  # where they were going wins


def test_role_types_checked_in_the_database_at_submission(staff_client, lab):
    """Role types are the one requirement a CHECK cannot see: the service checks them."""
    listing = ListingFactory(lab=lab)
    listing.role_types.clear()
    staff_client.post(reverse("listings:manage_submit", args=[listing.pk]), follow=True)
    listing.refresh_from_db()
    assert listing.status == "draft"
    listing.role_types.set([role_type()])
    staff_client.post(reverse("listings:manage_submit", args=[listing.pk]))
    listing.refresh_from_db()
    assert listing.status == "pending"


def test_the_dashboard_puts_listings_expiring_within_7_days_first_with_renew(staff_client, lab):
    from tests.support.factories import PublishedListingFactory

    now = timezone.now()
    soon = PublishedListingFactory(lab=lab, title="Ends soon", expires_at=now + timedelta(days=3))
    PublishedListingFactory(lab=lab, title="Ends later", expires_at=now + timedelta(days=20))
    page = staff_client.get(reverse("listings:manage_dashboard"))
    assert [listing.title for listing in page.context["expiring"]] == ["Ends soon"]
    renew = reverse("listings:manage_renew", args=[soon.pk])
    assert f'action="{renew}"' in page.content.decode()
    staff_client.post(renew)
    soon.refresh_from_db()
    assert soon.expires_at > now + timedelta(days=29)
    assert not staff_client.get(reverse("listings:manage_dashboard")).context["expiring"]


def test_the_preview_shows_the_student_view_with_a_disabled_apply_and_submit(
    staff_client, lab, student
):
    from django.test import Client

    listing = ListingFactory(lab=lab, title="Zebrafish aide")
    page = staff_client.get(listing.get_absolute_url()).content.decode()
    assert '<button type="button" class="button" disabled' in page
    submit = reverse("listings:manage_submit", args=[listing.pk])
    assert f'action="{submit}"' in page
    other = Client()
    other.force_login(student)
    assert other.get(listing.get_absolute_url()).status_code == 404  # a draft is private
    response = staff_client.post(submit, follow=True)
    listing.refresh_from_db()
    assert listing.status == "pending", [str(m) for m in response.context["messages"]]
    # Pending: still a preview, nothing more to submit.
    page = staff_client.get(listing.get_absolute_url()).content.decode()
    assert "disabled" in page and f'action="{submit}"' not in page


def test_the_dashboard_shows_views_saves_applications_and_conversion(
    staff_client, lab, lab_staff, student, django_assert_max_num_queries
):
    from django.test import Client

    from listings.models import ListingDayViews
    from tests.support.factories import (
        ApplicationFactory,
        PublishedListingFactory,
        SubmittedApplicationFactory,
    )

    listing = PublishedListingFactory(lab=lab)
    visitor = Client()
    for _ in range(3):
        assert visitor.get(listing.get_absolute_url()).status_code == 200
    visitor.get(listing.get_absolute_url(), HTTP_USER_AGENT="Googlebot/2.1")  # a robot
    visitor.head(listing.get_absolute_url())  # not a view
    staff_client.get(listing.get_absolute_url())  # its own lab's staff: not a view
    reader = Client()
    reader.force_login(student)
    reader.get(listing.get_absolute_url())
    assert ListingDayViews.objects.get(listing=listing).views == 4

    ApplicationFactory(listing=listing)  # saved
    SubmittedApplicationFactory(listing=listing)  # applied
    PublishedListingFactory.create_batch(3, lab=lab)
    with django_assert_max_num_queries(12):  # no query per listing
        page = staff_client.get(reverse("listings:manage_dashboard"))
    assert "4 views · 1 saved · 1 applied (25% of views)" in page.content.decode()


def test_the_form_has_a_guidance_column_with_a_formatting_example(staff_client, lab):
    for url in (CREATE, edit_url(ListingFactory(lab=lab))):
        page = staff_client.get(url).content.decode()
        assert "What students look for" in page and "**What you will learn**" in page


def test_a_view_that_cannot_be_counted_still_serves_the_page(client, lab):
    """The count is written while the page is read: when PostgreSQL refuses the write
    (here a real CHECK that no row passes), the view is lost, the page is not."""
    from django.db import connection

    from listings.models import ListingDayViews
    from tests.support.factories import PublishedListingFactory

    listing = PublishedListingFactory(lab=lab)
    with connection.cursor() as cursor:
        cursor.execute(
            "ALTER TABLE listings_listingdayviews ADD CONSTRAINT refuse_all CHECK (false) NOT VALID"
        )
    response = client.get(listing.get_absolute_url())
    assert response.status_code == 200 and listing.title in response.content.decode()
    assert not ListingDayViews.objects.exists()
    assert client.get(listing.get_absolute_url()).status_code == 200  # the request goes on
