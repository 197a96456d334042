"""`/api/listings/`: the search as JSON, for career offices that embed LabJobs."""

from django.http import JsonResponse
from django.views.decorators.http import require_GET

from .filters import ListingFilter
from .models import Listing
from .search.page import run_search


def _listing_json(request, listing) -> dict:
    return {
        "id": listing.pk,
        "url": request.build_absolute_uri(listing.get_absolute_url()),
        "title": listing.title,
        "lab": listing.lab.name,
        "institution": listing.lab.institution.name,
        "role_types": listing.role_names,
        "compensation": listing.compensation,
        "pay_rate": str(listing.pay_rate) if listing.pay_rate is not None else None,
        "hours_per_week": {"min": listing.hours_min, "max": listing.hours_max},
        "work_mode": listing.work_mode,
        "city": listing.lab.city,
        "deadline": listing.deadline.isoformat() if listing.deadline else None,
        "posted_at": listing.published_at.isoformat() if listing.published_at else None,
    }


def _page_url(request, number: int) -> str:
    query = request.GET.copy()
    query["page"] = str(number)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


@require_GET
def listing_search_json(request):
    listing_filter = ListingFilter(request.GET, queryset=Listing.objects.public())
    result = run_search(listing_filter, page=request.GET.get("page"))
    body = {
        "total": result.total,
        "total_is_capped": result.total_is_capped,
        # Large searches count from a sample: "total" and the facet counts are then
        # estimates, and a facet option the sample did not see has "count": null.
        "total_is_estimate": result.total_is_estimate,
        "estimated_total": result.estimated_total,
        "page": result.number,
        "num_pages": result.num_pages,
        "results": [_listing_json(request, listing) for listing in result.listings],
        "facets": {
            name: [{"value": o.value, "label": o.label, "count": o.count} for o in options]
            for name, options in result.facets.items()
        },
        "next": _page_url(request, result.number + 1) if result.has_next else None,
        "previous": _page_url(request, result.number - 1) if result.has_previous else None,
    }
    if listing_filter.form.errors:
        # The other filters still applied; say which values were ignored and why.
        body["errors"] = {name: list(errors) for name, errors in listing_filter.form.errors.items()}
    if result.notice:
        body["notice"] = result.notice
    if result.suggestion:
        body["suggestion"] = result.suggestion
    if result.unknown_words:  # the results are for the other words
        body["unknown_words"] = result.unknown_words
        body["searched_for"] = listing_filter.form.cleaned_data["q"]
    if result.understood:  # filters named in q: {"city": "Boston", "mode": "remote"}
        body["understood"] = {each.name: each.label for each in result.understood}
        body["searched_for"] = listing_filter.form.cleaned_data["q"]
    if result.elsewhere_total:  # found nothing with them; this many without them
        body["found_without_understood"] = result.elsewhere_total
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"  # public data, meant to be embedded
    return response
