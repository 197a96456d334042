"""App configuration for listings."""

from django.apps import AppConfig


class ListingsConfig(AppConfig):
    name = "listings"
    verbose_name = "Listings"

    def ready(self):
        # What listings does when an address is confirmed or an account deleted
        # (accounts.hooks; imported here because models must be ready first).
        from django.db.models.signals import post_delete, post_migrate, post_save

        from accounts import hooks

        from .models import SearchSynonym
        from .models.headline import groups_after_migrate, synonyms_changed
        from .services.applications import applications_erase_student
        from .services.labs import lab_staff_address_confirmed

        hooks.register(hooks.ADDRESS_CONFIRMED, lab_staff_address_confirmed)
        hooks.register(hooks.ACCOUNT_DELETING, applications_erase_student)
        # Each synonym group's best headlines are kept (models/headline.py).
        post_save.connect(synonyms_changed, sender=SearchSynonym)
        post_delete.connect(synonyms_changed, sender=SearchSynonym)
        post_migrate.connect(groups_after_migrate, sender=self)
