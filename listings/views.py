"""Public pages: home, the listing list, a listing, a lab."""

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from .filters import ListingFilter
from .models import Lab, Listing, RoleType
from .search import run_search
from .structured_data import job_posting_script

HOME_NEWEST = 6


def home(request):
    now = timezone.now()
    role_types = RoleType.objects.annotate(
        open_count=Count(
            "listings",
            filter=Q(listings__status=Listing.Status.PUBLISHED, listings__expires_at__gt=now),
        )
    ).order_by("position", "name")  # Meta.ordering is not applied to aggregate queries
    newest = Listing.objects.public().with_card_data().newest_first()[:HOME_NEWEST]
    return render(request, "listings/home.html", {"role_types": role_types, "newest": newest})


def listing_list(request):
    listing_filter = ListingFilter(request.GET, queryset=Listing.objects.public())
    result = run_search(listing_filter, page=request.GET.get("page"))
    return render(
        request,
        "listings/listing_list.html",
        {"filter": listing_filter, "result": result},
    )


def listing_detail(request, pk):
    listing = get_object_or_404(
        Listing.objects.visible_to(request.user)
        .select_related("lab__institution")
        .prefetch_related("role_types", "certifications"),
        pk=pk,
    )
    # Search engines should only be told about listings that take applications.
    structured_data = (
        job_posting_script(listing, url=request.build_absolute_uri(listing.get_absolute_url()))
        if listing.takes_applications
        else ""
    )
    return render(
        request,
        "listings/listing_detail.html",
        {"listing": listing, "structured_data": structured_data},
    )


def lab_detail(request, slug):
    lab = get_object_or_404(Lab.objects.select_related("institution"), slug=slug)
    listings = Listing.objects.public().filter(lab=lab).with_card_data().newest_first()
    return render(request, "listings/lab_detail.html", {"lab": lab, "listings": listings})
