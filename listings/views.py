"""Public pages: home, the listing list, a listing, a lab."""

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from accounts.models import StudentProfile
from accounts.permissions import has_verified_email

from .filters import ListingFilter
from .forms import InquiryForm, SavedSearchForm
from .models import Application, Lab, Listing, RoleType
from .search import run_search
from .structured_data import job_posting_script

HOME_NEWEST = 6


def open_counts_by_role_type() -> dict[int, int]:
    """Open listings per role type, for the home page's tiles. Counting them visits
    every open listing (about 100 ms at 100,000), so the counts are kept for
    SEARCH_CACHE_SECONDS, like the search page's."""
    from django.conf import settings
    from django.core.cache import caches

    key = "listings:home-role-counts:v1"
    counts = caches["search"].get(key) if settings.SEARCH_CACHE_SECONDS else None
    if counts is None:
        now = timezone.now()
        counts = dict(
            RoleType.objects.annotate(
                n=Count(
                    "listings",
                    filter=Q(
                        listings__status=Listing.Status.PUBLISHED, listings__expires_at__gt=now
                    ),
                )
            )
            .order_by()
            .values_list("pk", "n")
        )
        if settings.SEARCH_CACHE_SECONDS:
            caches["search"].set(key, counts, settings.SEARCH_CACHE_SECONDS)
    return counts


@require_safe
def home(request):
    role_types = RoleType.objects.order_by("position", "name")
    counts = open_counts_by_role_type()
    for role_type in role_types:
        role_type.open_count = counts.get(role_type.pk, 0)
    newest = Listing.objects.public().with_card_data().newest_first()[:HOME_NEWEST]
    return render(request, "listings/home.html", {"role_types": role_types, "newest": newest})


@require_safe
def listing_list(request):
    listing_filter = ListingFilter(request.GET, queryset=Listing.objects.public())
    result = run_search(listing_filter, page=request.GET.get("page"))
    applications = student_listing_state(request.user, [row.pk for row in result.listings])
    for listing in result.listings:
        listing.student_application = applications.get(listing.pk)
    return render(
        request,
        "listings/listing_list.html",
        {
            "filter": listing_filter,
            "result": result,
            "saved_search_form": SavedSearchForm(initial={"query": request.GET.urlencode()}),
        },
    )


@require_safe
def listing_detail(request, pk):
    listing = get_object_or_404(Listing.objects.visible_to(request.user).with_page_data(), pk=pk)
    # Search engines should only be told about listings that take applications.
    structured_data = (
        job_posting_script(listing, url=request.build_absolute_uri(listing.get_absolute_url()))
        if listing.takes_applications
        else ""
    )
    return render(
        request,
        "listings/listing_detail.html",
        {
            "listing": listing,
            "structured_data": structured_data,
            **student_listing_context(request.user, listing),
        },
    )


def student_listing_context(user, listing) -> dict:
    """A signed-in student's side of a listing: their application and certification match."""
    if not (user.is_authenticated and user.is_student):
        return {}
    profile = StudentProfile.objects.for_match(user.pk)
    return {
        "application": student_listing_state(user, [listing.pk]).get(listing.pk),
        "match": profile.certification_match(listing) if profile else None,
    }


@require_safe
def lab_detail(request, slug):
    lab = get_object_or_404(
        Lab.objects.filter(approved=True).select_related("institution"), slug=slug
    )
    listings = Listing.objects.public().filter(lab=lab).with_card_data().newest_first()
    user = request.user
    return render(
        request,
        "listings/lab_detail.html",
        {
            "lab": lab,
            "listings": listings,
            "inquiry_form": InquiryForm() if lab.open_to_inquiries else None,
            "can_inquire": lab.open_to_inquiries
            and user.is_authenticated
            and user.is_student
            and has_verified_email(user),
        },
    )


def student_listing_state(user, listing_ids) -> dict[int, Application]:
    """The signed-in student's applications among these listings (one query), for
    Save/Saved buttons on cards."""
    if not (user.is_authenticated and user.is_student) or not listing_ids:
        return {}
    return {
        application.listing_id: application
        for application in Application.objects.filter(student=user, listing_id__in=listing_ids)
    }
