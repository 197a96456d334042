"""Top-level URLs: the public site, accounts and the admin."""

from django.contrib import admin
from django.urls import include, path

from labjobs.admin_login import admin_login
from labjobs.views import healthz

admin.site.site_header = "LabJobs administration"
admin.site.site_title = "LabJobs admin"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/login/", admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("listings.urls")),
]
