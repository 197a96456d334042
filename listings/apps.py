"""App configuration for listings."""

from django.apps import AppConfig


class ListingsConfig(AppConfig):
    name = "listings"
    verbose_name = "Listings"

    def ready(self):
        # What listings does when an address is confirmed or an account deleted
        # (accounts.hooks; imported here because models must be ready first).
        from accounts import hooks

        from .services.applications import applications_erase_student
        from .services.labs import lab_staff_address_confirmed

        hooks.register(hooks.ADDRESS_CONFIRMED, lab_staff_address_confirmed)
        hooks.register(hooks.ACCOUNT_DELETING, applications_erase_student)
