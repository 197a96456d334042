"""URL parameters of the listing pages, as django-filter FilterSets."""

import django_filters
from django import forms

from .models import RoleType


class ListingFilter(django_filters.FilterSet):
    """`/listings/?q=phlebotomy&role=phlebotomist&role=lab-technician`."""

    q = django_filters.CharFilter(
        label="Keywords",
        method="filter_text",
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "e.g. phlebotomy, PCR"}),
    )
    role = django_filters.ModelMultipleChoiceFilter(
        label="Role type",
        field_name="role_types__slug",
        to_field_name="slug",
        queryset=RoleType.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        distinct=True,
    )

    def filter_text(self, queryset, name, value):
        return queryset.matching(value)
