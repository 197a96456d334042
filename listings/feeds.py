"""`/listings/feed/`: an Atom feed of any search (same parameters as the page)."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from .filters import ListingFilter
from .models import Listing
from .search import run_search

FEED_SIZE = 50


class ListingSearchFeed(Feed):
    feed_type = Atom1Feed
    description_template = "listings/_feed_item.html"

    def get_object(self, request, *args, **kwargs):
        listing_filter = ListingFilter(request.GET, queryset=Listing.objects.public())
        result = run_search(
            listing_filter, page="1", with_facets=False, page_size=FEED_SIZE, sort="newest"
        )
        query = request.GET.copy()
        query.pop("page", None)
        return {"result": result, "q": listing_filter.form.cleaned_data.get("q") or "",
                "query": query.urlencode()}  # fmt: skip

    def title(self, search):
        if search["q"]:
            return f"LabJobs: “{search['q'][:80]}”"
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
        return f"{listing.title} — {listing.lab.name}, {listing.lab.institution.name}"

    def item_link(self, listing):
        return listing.get_absolute_url()

    def item_guid(self, listing):
        return listing.get_absolute_url()

    def item_pubdate(self, listing):
        return listing.published_at

    def item_updateddate(self, listing):
        return listing.updated_at

    def item_author_name(self, listing):
        return listing.lab.name

    def item_categories(self, listing):
        return [role_type.name for role_type in listing.role_types.all()]
