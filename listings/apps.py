"""App configuration for listings."""

from django.apps import AppConfig


class ListingsConfig(AppConfig):
    name = "listings"
    verbose_name = "Listings"

    def ready(self):
        # Deleting an account anonymises its sent applications (accounts.erasure).
        from accounts.erasure import register_eraser

        from .services.applications import applications_erase_student

        register_eraser(applications_erase_student)
