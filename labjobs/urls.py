"""Top-level URLs: the public site, accounts and the admin."""

from allauth.account.decorators import secure_admin_login
from allauth.account.views import signup
from django.contrib import admin
from django.urls import include, path

from accounts.timing import at_least_for_posts
from labjobs.views import healthz, healthz_queue

admin.site.site_header = "LabJobs administration"
admin.site.site_title = "LabJobs admin"
# One way in for everyone: the admin's login page sends visitors to the site's own
# (django-allauth's documented `secure_admin_login`), so its rate limits and email
# confirmation guard admins too; a signed-in non-admin gets 403.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("healthz/queue", healthz_queue, name="healthz_queue"),
    path("admin/", admin.site.urls),
    # Sign-up answers in the same time whether or not the address has an account.
    path(
        "accounts/signup/", at_least_for_posts("SIGNUP_MIN_SECONDS")(signup), name="account_signup"
    ),  # fmt: skip
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("listings.urls")),
]
