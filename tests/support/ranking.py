"""A small board made to rank as a large one does (search.ranking's thresholds scaled
down to it), and its first page of results as a student first sees it."""

from django.core.cache import caches
from django.db import connection
from django.urls import reverse

from listings.search import ranking
from listings.search.catalogue import forget_catalogue


def rank_as_a_large_board(monkeypatch, settings, **thresholds) -> None:
    """Set search.ranking's `thresholds` (EXACT_RANK_MAX=0, ...) for this test, keep
    no search in the cache, and let the catalogue count the board's rows anew."""
    for name, value in thresholds.items():
        monkeypatch.setattr(ranking, name, value)
    settings.SEARCH_CACHE_SECONDS = 0
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE listings_listing")  # the catalogue's count of rows
    forget_catalogue()


def first_titles(client, **params) -> list[str]:
    """The titles of the search page's results, as first made (not as cached for
    anonymous visitors)."""
    caches["default"].clear()
    response = client.get(reverse("listings:listing_list"), params)
    assert response.status_code == 200
    return [listing.title for listing in response.context["result"].listings]
