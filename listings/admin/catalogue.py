"""The lists searches use: institutions, role types, certifications, synonyms."""

from django.contrib import admin

from listings.models import Certification, Institution, RoleType, SearchSynonym
from listings.search.catalogue import forget_catalogue

from .common import HTTPS_URL_FIELDS


class ForgetsCatalogue:
    """Admin for a list that searches cache (see catalogue.py): changes apply at once."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        forget_catalogue()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        forget_catalogue()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        forget_catalogue()


@admin.register(Institution)
class InstitutionAdmin(ForgetsCatalogue, admin.ModelAdmin):
    formfield_overrides = HTTPS_URL_FIELDS
    list_display = ["name", "slug", "website"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(RoleType)
class RoleTypeAdmin(ForgetsCatalogue, admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Certification)
class CertificationAdmin(ForgetsCatalogue, admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(SearchSynonym)
class SearchSynonymAdmin(ForgetsCatalogue, admin.ModelAdmin):
    list_display = ["term", "equivalent"]
    search_fields = ["term", "equivalent"]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "subtitle": "A search for either side of a pair also finds the other.",
        }
        return super().changelist_view(request, extra_context)
