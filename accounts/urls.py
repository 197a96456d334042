"""The student's profile and account deletion; allauth's pages are mounted beside these."""

from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/cv/", views.profile_cv, name="profile_cv"),
    path("delete/", views.account_delete, name="account_delete"),
    path("confirm-email/again/", views.confirmation_resend, name="confirmation_resend"),
]
