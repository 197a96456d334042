"""The listings app's URLs, by audience: public pages, the feed and the JSON API; the
student's pages; /manage/ for lab staff; files behind permission checks."""

from django.urls import path
from django.views.decorators.http import require_safe

from . import api
from .feeds import ListingSearchFeed
from .views import (
    conversations,
    downloads,
    follows,
    manage,
    manage_applicants,
    manage_listings,
    members,
    public,
    student,
)

app_name = "listings"

urlpatterns = [
    path("", public.home, name="home"),
    path("listings/", public.listing_list, name="listing_list"),
    path("listings/feed/", require_safe(ListingSearchFeed()), name="listing_feed"),
    path("listings/<int:pk>/", public.listing_detail, name="listing_detail"),
    path("labs/<slug:slug>/", public.lab_detail, name="lab_detail"),
    path("api/listings/", api.listing_search_json, name="api_listings"),
    # The student's side: save, apply, track, saved searches.
    path("listings/<int:pk>/save/", student.listing_save, name="listing_save"),
    path("listings/<int:pk>/unsave/", student.listing_unsave, name="listing_unsave"),
    path("listings/<int:pk>/apply/", student.application_apply, name="application_apply"),
    path(
        "listings/<int:pk>/track/",
        student.application_track_external,
        name="application_track_external",
    ),
    path("applications/", student.application_list, name="application_list"),
    path("applications/<int:pk>/", conversations.application_detail, name="application_detail"),
    path("applications/<int:pk>/offer/", conversations.application_offer, name="application_offer"),
    path(
        "applications/<int:pk>/interviews/<uuid:uid>.ics",
        conversations.interview_ics,
        name="interview_ics",
    ),
    path("calendar/", conversations.calendar_feed_create, name="calendar_feed_create"),
    path("calendar/stop/", conversations.calendar_feed_revoke, name="calendar_feed_revoke"),
    path("calendar/<str:token>/labjobs.ics", conversations.calendar_feed, name="calendar_feed"),
    path(
        "applications/<int:pk>/withdraw/",
        student.application_withdraw,
        name="application_withdraw",
    ),
    path("applications/<int:pk>/cv/", downloads.application_cv, name="application_cv"),
    path(
        "applications/<int:pk>/message/",
        conversations.application_message,
        name="application_message",
    ),
    path("labs/<slug:slug>/contact/", student.lab_inquiry, name="lab_inquiry"),
    path("labs/<slug:slug>/follow/", follows.lab_follow, name="lab_follow"),
    path("labs/<slug:slug>/unfollow/", follows.lab_unfollow, name="lab_unfollow"),
    path("labs/unfollow/<str:token>/", follows.lab_unfollow_link, name="lab_unfollow_link"),
    path("searches/", student.saved_search_list, name="saved_search_list"),
    path("searches/save/", student.saved_search_create, name="saved_search_create"),
    path("searches/<int:pk>/", student.saved_search_update, name="saved_search_update"),
    path("searches/<int:pk>/delete/", student.saved_search_delete, name="saved_search_delete"),
    path(
        "searches/unsubscribe/<str:token>/",
        student.saved_search_unsubscribe,
        name="saved_search_unsubscribe",
    ),
    # Lab staff: sign-up, then /manage/ (the authorization matrix covers every URL).
    path("accounts/signup/staff/", manage.staff_signup, name="staff_signup"),
    path("manage/", manage.dashboard, name="manage_dashboard"),
    path("manage/lab/", manage.lab_settings, name="manage_lab"),
    path("manage/members/", members.member_list, name="manage_members"),
    path("manage/members/<int:pk>/approve/", members.member_approve, name="manage_member_approve"),
    path("manage/members/<int:pk>/decline/", members.member_decline, name="manage_member_decline"),
    path("manage/members/<int:pk>/remove/", members.member_remove, name="manage_member_remove"),
    path("manage/listings/new/", manage_listings.listing_create, name="manage_listing_create"),
    path("manage/listings/<int:pk>/", manage_listings.listing_edit, name="manage_listing"),
    path("manage/listings/<int:pk>/submit/", manage_listings.listing_submit, name="manage_submit"),
    path(
        "manage/listings/<int:pk>/withdraw/",
        manage_listings.listing_withdraw,
        name="manage_withdraw",
    ),
    path("manage/listings/<int:pk>/close/", manage_listings.listing_close, name="manage_close"),
    path("manage/listings/<int:pk>/renew/", manage_listings.listing_renew, name="manage_renew"),
    path("manage/listings/<int:pk>/clone/", manage_listings.listing_clone, name="manage_clone"),
    path(
        "manage/listings/<int:pk>/applicants/",
        manage_applicants.applicant_list,
        name="manage_applicants",
    ),
    path(
        "manage/listings/<int:pk>/applicants.csv",
        downloads.applicants_csv,
        name="manage_applicants_csv",
    ),
    path(
        "manage/listings/<int:pk>/not-selected/",
        manage_applicants.applicants_not_selected,
        name="manage_not_selected",
    ),
    path(
        "manage/applicants/<int:pk>/",
        manage_applicants.applicant_detail,
        name="manage_applicant",
    ),
    path(
        "manage/applicants/<int:pk>/review/",
        manage_applicants.applicant_review,
        name="manage_applicant_review",
    ),
    path(
        "manage/applicants/<int:pk>/move/",
        manage_applicants.applicant_move,
        name="manage_applicant_move",
    ),
    path(
        "manage/applicants/<int:pk>/interview/",
        manage_applicants.applicant_interview,
        name="manage_applicant_interview",
    ),
    path(
        "manage/applicants/<int:pk>/message/",
        manage_applicants.applicant_message,
        name="manage_applicant_message",
    ),
    path("manage/applicants/<int:pk>/cv/", downloads.applicant_cv, name="manage_applicant_cv"),
]
