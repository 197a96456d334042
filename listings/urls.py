"""Public listing pages, the search feed and the JSON API."""

from django.urls import path

from . import api, views
from .feeds import ListingSearchFeed

app_name = "listings"

urlpatterns = [
    path("", views.home, name="home"),
    path("listings/", views.listing_list, name="listing_list"),
    path("listings/feed/", ListingSearchFeed(), name="listing_feed"),
    path("listings/<int:pk>/", views.listing_detail, name="listing_detail"),
    path("labs/<slug:slug>/", views.lab_detail, name="lab_detail"),
    path("api/listings/", api.listing_search_json, name="api_listings"),
]
