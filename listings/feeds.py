"""`/listings/feed/`: an Atom feed of any search (same parameters as the page)."""

import re

from django.contrib.syndication.views import Feed
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from .filters import ListingFilter
from .models import Listing
from .search.page import run_search

FEED_SIZE = 50
# XML 1.0 cannot carry these, even escaped; a search or a listing may contain them.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    return _NOT_XML.sub("", text)


class ListingSearchFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, *args, **kwargs):
        listing_filter = ListingFilter(request.GET, queryset=Listing.objects.public())
        result = run_search(
            listing_filter, page="1", with_facets=False, page_size=FEED_SIZE, sort="newest"
        )
        query = request.GET.copy()
        query.pop("page", None)
        # Links carry the query percent-encoded, so control characters are safe there.
        # The title has the words as typed: "phlebotomy jobs in boston", not the
        # "phlebotomy" left once Boston became the city filter (search.understand).
        words = " ".join(str(request.GET.get("q", "")).split())
        return {"result": result, "q": words, "query": query.urlencode()}

    def title(self, search):
        if search["q"]:
            return xml_safe(f"LabJobs: “{search['q'][:80]}”")
        return "LabJobs: new lab positions"

    def subtitle(self, search):
        return "Newest open listings matching this search."

    def link(self, search):
        url = reverse("listings:listing_list")
        return f"{url}?{search['query']}" if search["query"] else url

    def feed_url(self, search):
        url = reverse("listings:listing_feed")
        return f"{url}?{search['query']}" if search["query"] else url

    def items(self, search):
        return search["result"].listings

    def item_title(self, listing):
        return xml_safe(f"{listing.title} — {listing.lab.name}, {listing.lab.institution.name}")

    def item_description(self, listing):
        return xml_safe(render_to_string("listings/_feed_item.html", {"obj": listing}))

    def item_link(self, listing):
        return listing.get_absolute_url()

    def item_guid(self, listing):
        return listing.get_absolute_url()

    def item_pubdate(self, listing):
        return listing.published_at

    def item_updateddate(self, listing):
        return listing.updated_at

    def item_author_name(self, listing):
        return xml_safe(listing.lab.name)

    def item_categories(self, listing):
        return [xml_safe(name) for name in listing.role_names]
