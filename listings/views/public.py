"""Pages anyone may open: home, the search page, a listing, a lab."""

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from accounts.permissions import has_verified_email
from listings.filters import ListingFilter
from listings.forms import InquiryForm, SavedSearchForm
from listings.models import Lab, LabFollow, Listing, RoleType
from listings.recommendations import recommended_for, similar_to
from listings.search.chips import applied_filter_chips, applied_filters, clear_all_query
from listings.search.page import run_search
from listings.selectors import (
    is_staff_of,
    open_counts_by_role_type,
    student_applications_by_listing,
    student_side_of_listing,
)
from listings.services import stats
from listings.structured_data import job_posting_script

HOME_NEWEST = 6


@require_safe
def home(request):
    role_types = RoleType.objects.order_by("position", "name")
    counts = open_counts_by_role_type()
    for role_type in role_types:
        role_type.open_count = counts.get(role_type.pk, 0)
    newest = Listing.objects.public().with_card_data().newest_first()[:HOME_NEWEST]
    user = request.user
    for_you = recommended_for(user) if user.is_authenticated and user.is_student else None
    return render(
        request,
        "listings/home.html",
        {"role_types": role_types, "newest": newest, "for_you": for_you},
    )


@require_safe
def listing_list(request):
    listing_filter = ListingFilter(request.GET, queryset=Listing.objects.public())
    result = run_search(listing_filter, page=request.GET.get("page"))
    applications = student_applications_by_listing(
        request.user, [row.pk for row in result.listings]
    )
    for listing in result.listings:
        listing.student_application = applications.get(listing.pk)
    return render(
        request,
        "listings/listing_list.html",
        {
            "filter": listing_filter,
            "result": result,
            "active_filters": active_filter_count(listing_filter),
            "chips": applied_filter_chips(listing_filter.form, request.GET, result.understood),
            "clear_all_query": clear_all_query(request.GET, result.understood),
            "saved_search_form": SavedSearchForm(initial={"query": request.GET.urlencode()}),
        },
    )


def active_filter_count(listing_filter) -> int:
    """How many filters are set (each ticked option counts), for "Filters (3)"."""
    return sum(
        len(value) if isinstance(value, list | tuple) else 1
        for value in applied_filters(listing_filter.form.cleaned_data).values()
    )


@require_safe
def listing_detail(request, pk):
    listing = get_object_or_404(Listing.objects.visible_to(request.user).with_page_data(), pk=pk)
    if request.method == "GET" and listing.is_public and stats.counts_as_a_view(request):
        stats.listing_view_record(listing_id=listing.pk)  # for the lab's dashboard
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
            "can_manage": is_staff_of(request.user, listing.lab),
            "similar": [] if listing.is_unpublished else similar_to(listing),
            **student_side_of_listing(request.user, listing),
        },
    )


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
            "following": user.is_authenticated
            and user.is_student
            and LabFollow.objects.filter(student=user, lab=lab).exists(),
        },
    )
