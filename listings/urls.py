"""Public listing pages, the search feed and the JSON API."""

from django.urls import path

from . import api, student_views, views
from .feeds import ListingSearchFeed

app_name = "listings"

urlpatterns = [
    path("", views.home, name="home"),
    path("listings/", views.listing_list, name="listing_list"),
    path("listings/feed/", ListingSearchFeed(), name="listing_feed"),
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
]
