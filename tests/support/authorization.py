"""The authorization matrix's table: every named URL in the URLconf x every role x GET
and POST, with objects owned by another party; and the world of users and objects it
is checked in (tests/test_authorization_matrix.py asserts it; the fuzz suite sends
random input to the same URLs as the same roles).

Rules: anonymous visitors to a private page are sent to log in; another party's
object is 404 (nothing tells that it exists); a role without the permission gets 403;
405 answers a method a URL never takes. The test walks the URLconf itself, so a URL
added without a row here fails `test_every_url_has_a_row` (as the URL-auth tests of
18F's tock and pretix's permission tests do)."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import Membership
from listings.models import CalendarFeed, LabFollow
from listings.services.notifications import unfollow_url, unsubscribe_url
from tests.support.factories import (
    AdminFactory,
    InterviewFactory,
    LabFactory,
    LabStaffFactory,
    ListingFactory,
    PublishedListingFactory,
    SavedSearchFactory,
    StudentFactory,
    SubmittedApplicationFactory,
    UserFactory,
)

ROLES = [
    "anonymous", "student_a", "student_b", "unverified_member", "pending_joiner", "staff_x",
    "staff_y", "moderator", "superuser",
]  # fmt: skip
STUDENTS = {"student_a", "student_b"}
# Lab-staff accounts that are not (yet) lab X's staff: one on the lab's email domain
# who has not confirmed the address, one who asked to join from another address.
NOT_YET_STAFF = {"unverified_member", "pending_joiner"}
LAB_STAFF = {"staff_x", "staff_y"} | NOT_YET_STAFF
ADMINS = {"moderator", "superuser"}
LOGIN = "login"  # a redirect to the site's login page
ADMIN_LOGIN = "admin-login"  # a redirect to the admin's login page


def expect(get, post=None):
    return {"GET": get, "POST": get if post is None else post}


def public(role):
    return expect(200, 405)


def form_page(role):  # public pages with a form (sign-up, reset): any role may use them
    return expect({200, 302}, {200, 302})


def signed_in(role):  # allauth's own account pages: any signed-in user
    return expect(LOGIN) if role == "anonymous" else expect({200, 302}, {200, 302})


def student_page(role, *, post=(200, 302), get=200):
    if role == "anonymous":
        return expect(LOGIN)
    if role in STUDENTS:
        return expect(get, set(post) if isinstance(post, tuple) else post)
    return expect(403)


def student_object(role, *, get=200, post=(200, 302)):
    """An object of student A's: student B gets 404, like a missing one."""
    if role == "student_b":
        return expect(404 if get != 405 else 405, 404 if post != 405 else 405)
    return student_page(role, get=get, post=post)


def lab_page(role, *, get=200, post=(200, 302)):
    if role == "anonymous":
        return expect(LOGIN)
    if role in STUDENTS | ADMINS | NOT_YET_STAFF:
        return expect(403)
    return expect(get, set(post) if isinstance(post, tuple) else post)


def lab_object(role, *, get=200, post=(200, 302)):
    """An object of lab X's: staff of lab Y get 404, like a missing one."""
    if role == "staff_y":
        return expect(404 if get != 405 else 405, 404 if post != 405 else 405)
    return lab_page(role, get=get, post=post)


def post_only(policy, **kwargs):
    """A POST-only action: a GET is 405 whoever asks (the method is checked first)."""
    return lambda role: {**policy(role, **kwargs), "GET": 405}


def get_only(policy, **kwargs):
    """A read-only page: a POST is 405 whoever asks."""
    return lambda role: {**policy(role, **kwargs), "POST": 405}


def info_page(role):  # allauth's read-only "done" pages
    return expect({200, 302}, 405)


# URL name -> (how to build its arguments, the expected outcome for a role).
MATRIX = {
    "healthz": (None, public),
    "healthz_queue": (None, lambda role: expect({200, 503}, 405)),  # 503: the queue is behind
    "listings:home": (None, public),
    "listings:listing_list": (None, public),
    "listings:listing_feed": (None, public),
    "listings:api_listings": (None, public),
    "listings:listing_detail": ("published", public),
    "listings:lab_detail": ("lab_slug", public),
    "listings:saved_search_unsubscribe": ("unsubscribe_token", form_page),
    # Accounts (django-allauth, and ours).
    "account_login": (None, form_page),
    "account_signup": (None, form_page),
    "listings:staff_signup": (None, form_page),
    "account_reset_password": (None, form_page),
    "accounts:confirmation_resend": (None, post_only(form_page)),
    "account_reset_password_done": (None, info_page),
    "account_reset_password_from_key": ("reset_key", form_page),
    "account_reset_password_from_key_done": (None, info_page),
    "account_email_verification_sent": (None, info_page),
    "account_confirm_email": ("confirm_key", lambda role: expect({200, 302, 404}, {302, 404})),
    "account_confirm_login_code": (None, form_page),
    "account_inactive": (None, info_page),
    "account_logout": (None, lambda role: expect({200, 302}, 302)),
    "account_email": (None, signed_in),
    "account_change_password": (None, signed_in),
    "account_set_password": (None, signed_in),
    "account_reauthenticate": (None, signed_in),
    "accounts:profile": (None, student_page),
    "accounts:profile_cv": (None, get_only(student_page, get=404)),  # no CV uploaded
    "accounts:account_delete": (None, student_page),
    # The student's side.
    "listings:listing_save": ("published", post_only(student_page)),
    "listings:listing_unsave": ("published", post_only(student_page)),
    # Student A has already applied: the apply page sends them to their application.
    "listings:application_apply": ("published", lambda role: student_page(role, get={200, 302})),
    "listings:application_track_external": ("published", post_only(student_page)),
    "listings:application_list": (None, get_only(student_page)),
    "listings:saved_search_list": (None, get_only(student_page)),
    "listings:saved_search_create": (None, post_only(student_page)),
    "listings:lab_inquiry": ("lab_slug", post_only(student_page)),
    # The emailed link is the proof (no login); before the rows that unfollow.
    "listings:lab_unfollow_link": ("unfollow_token", form_page),
    "listings:lab_follow": ("lab_slug", post_only(student_page)),
    "listings:lab_unfollow": ("lab_slug", post_only(student_page)),
    "listings:application_detail": ("application", student_object),
    "listings:application_withdraw": ("application", student_object),
    "listings:application_cv": ("application", get_only(student_object)),
    "listings:application_message": ("application", post_only(student_object)),
    "listings:application_offer": ("application", post_only(student_object)),
    "listings:interview_ics": ("interview", get_only(student_object)),
    # The address is the proof (calendar apps cannot log in): anyone holding it reads it.
    # (Before the rows that stop it: the table is walked in order.)
    "listings:calendar_feed": ("calendar_token", public),
    "listings:calendar_feed_create": (None, post_only(student_page)),
    "listings:calendar_feed_revoke": (None, post_only(student_page)),
    "listings:saved_search_update": ("saved_search", post_only(student_object)),
    "listings:saved_search_delete": ("saved_search", post_only(student_object)),
    # The lab's side.
    "listings:manage_dashboard": (None, get_only(lab_page)),
    "listings:manage_lab": (None, lab_page),
    "listings:manage_members": (None, get_only(lab_page)),
    # Staff of lab X decide on the pending joiner's request (approve, then the others
    # are refused with a message: still a redirect back).
    "listings:manage_member_approve": ("request", post_only(lab_object)),
    "listings:manage_member_decline": ("request", post_only(lab_object)),
    "listings:manage_member_remove": ("request", post_only(lab_object)),
    "listings:manage_listing_create": (None, lab_page),
    "listings:manage_listing": ("draft", lab_object),
    # 409: the factory's draft reads like the lab's published listing (duplicate warning).
    "listings:manage_submit": ("draft", post_only(lab_object, post=(302, 409))),
    "listings:manage_withdraw": ("draft", post_only(lab_object)),
    "listings:manage_close": ("published", post_only(lab_object)),
    "listings:manage_renew": ("published", lab_object),
    "listings:manage_clone": ("published", post_only(lab_object)),
    "listings:manage_applicants": ("published", get_only(lab_object)),
    "listings:manage_applicants_csv": ("published", get_only(lab_object)),
    "listings:manage_not_selected": ("published", post_only(lab_object)),
    "listings:manage_applicant": ("application", get_only(lab_object)),
    "listings:manage_applicant_move": ("application", post_only(lab_object)),
    "listings:manage_applicant_review": ("application", post_only(lab_object)),
    # An empty invitation comes back with its errors (422).
    "listings:manage_applicant_interview": ("application", post_only(lab_object, post=(422,))),
    "listings:manage_applicant_message": (
        "application",
        post_only(lab_object),
    ),  # fmt: skip
    "listings:manage_applicant_cv": ("application", get_only(lab_object)),
}


def build_world():
    lab_x, lab_y = LabFactory(name="Lab X"), LabFactory(name="Lab Y")
    users = {
        "student_a": StudentFactory(),
        "student_b": StudentFactory(),
        "unverified_member": LabStaffFactory(
            profile__lab=lab_x, profile__status=Membership.UNCONFIRMED, verified_email=False
        ),
        "pending_joiner": LabStaffFactory(profile__lab=lab_x, profile__status=Membership.REQUESTED),
        "staff_x": LabStaffFactory(profile__lab=lab_x),
        "staff_y": LabStaffFactory(profile__lab=lab_y),
        "moderator": UserFactory(is_staff=True),
        "superuser": AdminFactory(),
    }
    users["moderator"].groups.add(Group.objects.get(name="Moderators"))
    published = PublishedListingFactory(lab=lab_x)
    saved_search = SavedSearchFactory(student=users["student_a"])
    application = SubmittedApplicationFactory(listing=published, student=users["student_a"])
    interview = InterviewFactory(application=application)
    objects = {
        "published": published.pk,
        "draft": ListingFactory(lab=lab_x).pk,
        "application": application.pk,
        "interview": {"pk": application.pk, "uid": interview.uid},
        "calendar_token": CalendarFeed.objects.create(student=users["student_a"]).token,
        "saved_search": saved_search.pk,
        "request": users["pending_joiner"].lab_staff_profile.pk,
        "lab_slug": lab_x.slug,
        "unsubscribe_token": unsubscribe_url(saved_search).rstrip("/").rsplit("/", 1)[1],
        "unfollow_token": unfollow_url(
            LabFollow.objects.create(student=users["student_a"], lab=lab_x)
        )
        .rstrip("/")
        .rsplit("/", 1)[1],
        "confirm_key": "not-a-real-key",
        "reset_key": {"uidb36": "zz", "key": "not-a-real-key"},
    }
    return users, objects


def url_for(name, objects) -> str:
    kind = MATRIX[name][0]
    if kind is None:
        return reverse(name)
    value = objects[kind]
    if isinstance(value, dict):
        return reverse(name, kwargs=value)
    return reverse(name, args=[value])


def outcome(response) -> int | str:
    if response.status_code == 302:
        if response.url.startswith(reverse("account_login")):
            return LOGIN
        if response.url.startswith("/admin/login/"):
            return ADMIN_LOGIN
    return response.status_code


def allowed(expected) -> set:
    return expected if isinstance(expected, set) else {expected}
