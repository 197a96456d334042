"""Public pages: home, the listing list, a listing, a lab."""

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from .filters import ListingFilter
from .models import Lab, Listing, RoleType

PAGE_SIZE = 20
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


def _page_of(request, queryset):
    """The requested page, or the nearest real one with a note saying so."""
    paginator = Paginator(queryset, PAGE_SIZE)
    raw = request.GET.get("page", "")
    try:
        wanted = int(raw) if raw else 1
    except ValueError:
        wanted = None
    number = 1 if wanted is None else min(max(wanted, 1), paginator.num_pages)
    page = paginator.page(number)
    notice = ""
    if raw and (wanted is None or wanted != number):
        notice = f"There is no page “{raw[:20]}”; showing page {number} of {paginator.num_pages}."
    return page, notice


def listing_list(request):
    base = Listing.objects.public().with_card_data().newest_first()
    listing_filter = ListingFilter(request.GET, queryset=base)
    page, page_notice = _page_of(request, listing_filter.qs)
    return render(
        request,
        "listings/listing_list.html",
        {"filter": listing_filter, "page_obj": page, "page_notice": page_notice},
    )


def listing_detail(request, pk):
    listing = get_object_or_404(
        Listing.objects.visible_to(request.user)
        .select_related("lab__institution")
        .prefetch_related("role_types", "certifications"),
        pk=pk,
    )
    return render(request, "listings/listing_detail.html", {"listing": listing})


def lab_detail(request, slug):
    lab = get_object_or_404(Lab.objects.select_related("institution"), slug=slug)
    listings = Listing.objects.public().filter(lab=lab).with_card_data().newest_first()
    return render(request, "listings/lab_detail.html", {"lab": lab, "listings": listings})
