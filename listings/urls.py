"""Public listing pages, the search feed and the JSON API."""

from django.urls import path
from django.views.decorators.http import require_safe

from . import api, manage_views, student_views, views
from .feeds import ListingSearchFeed

app_name = "listings"

urlpatterns = [
    path("", views.home, name="home"),
    path("listings/", views.listing_list, name="listing_list"),
    path("listings/feed/", require_safe(ListingSearchFeed()), name="listing_feed"),
    path("listings/<int:pk>/", views.listing_detail, name="listing_detail"),
    path("labs/<slug:slug>/", views.lab_detail, name="lab_detail"),
    path("api/listings/", api.listing_search_json, name="api_listings"),
    # The student's side: save, apply, track, saved searches.
    path("listings/<int:pk>/save/", student_views.listing_save, name="listing_save"),
    path("listings/<int:pk>/unsave/", student_views.listing_unsave, name="listing_unsave"),
    path("listings/<int:pk>/apply/", student_views.application_apply, name="application_apply"),
    path(
        "listings/<int:pk>/track/",
        student_views.application_track_external,
        name="application_track_external",
    ),
    path("applications/", student_views.application_list, name="application_list"),
    path("applications/<int:pk>/", student_views.application_detail, name="application_detail"),
    path(
        "applications/<int:pk>/withdraw/",
        student_views.application_withdraw,
        name="application_withdraw",
    ),
    path("applications/<int:pk>/cv/", student_views.application_cv, name="application_cv"),
    path(
        "applications/<int:pk>/message/",
        student_views.application_message,
        name="application_message",
    ),
    path("labs/<slug:slug>/contact/", student_views.lab_inquiry, name="lab_inquiry"),
    path("searches/", student_views.saved_search_list, name="saved_search_list"),
    path("searches/save/", student_views.saved_search_create, name="saved_search_create"),
    path("searches/<int:pk>/", student_views.saved_search_update, name="saved_search_update"),
    path(
        "searches/<int:pk>/delete/", student_views.saved_search_delete, name="saved_search_delete"
    ),
    path(
        "searches/unsubscribe/<str:token>/",
        student_views.saved_search_unsubscribe,
        name="saved_search_unsubscribe",
    ),
    # Lab staff: /manage/ (every URL here is in the cross-lab test's table).
    path("manage/", manage_views.dashboard, name="manage_dashboard"),
    path("manage/lab/", manage_views.lab_settings, name="manage_lab"),
    path("manage/listings/new/", manage_views.listing_create, name="manage_listing_create"),
    path("manage/listings/<int:pk>/", manage_views.listing_edit, name="manage_listing"),
    path("manage/listings/<int:pk>/submit/", manage_views.listing_submit, name="manage_submit"),
    path(
        "manage/listings/<int:pk>/withdraw/",
        manage_views.listing_withdraw,
        name="manage_withdraw",
    ),
    path("manage/listings/<int:pk>/close/", manage_views.listing_close, name="manage_close"),
    path("manage/listings/<int:pk>/renew/", manage_views.listing_renew, name="manage_renew"),
    path("manage/listings/<int:pk>/clone/", manage_views.listing_clone, name="manage_clone"),
    path(
        "manage/listings/<int:pk>/applicants/",
        manage_views.applicant_list,
        name="manage_applicants",
    ),
    path(
        "manage/listings/<int:pk>/applicants.csv",
        manage_views.applicants_csv,
        name="manage_applicants_csv",
    ),
    path(
        "manage/listings/<int:pk>/not-selected/",
        manage_views.applicants_not_selected,
        name="manage_not_selected",
    ),
    path("manage/applicants/<int:pk>/", manage_views.applicant_detail, name="manage_applicant"),
    path(
        "manage/applicants/<int:pk>/move/",
        manage_views.applicant_move,
        name="manage_applicant_move",
    ),
    path(
        "manage/applicants/<int:pk>/message/",
        manage_views.applicant_message,
        name="manage_applicant_message",
    ),
    path("manage/applicants/<int:pk>/cv/", manage_views.applicant_cv, name="manage_applicant_cv"),
]
