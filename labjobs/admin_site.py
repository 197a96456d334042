"""LabJobs' admin site: Django's, with a number beside a model in the index and the
sidebar when its ModelAdmin has something waiting (`waiting_count(request)`; the
pending-review queue gives how many listings wait for a moderator)."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class LabJobsAdminSite(admin.AdminSite):
    def get_app_list(self, request, app_label=None):
        app_list = super().get_app_list(request, app_label)
        for app in app_list:
            for entry in app["models"]:
                model_admin = self._registry.get(entry["model"])
                count = getattr(model_admin, "waiting_count", None)
                waiting = count(request) if count else 0
                if waiting:
                    entry["name"] = f"{entry['name']} ({waiting})"
        return app_list


class LabJobsAdminConfig(AdminConfig):
    default_site = "labjobs.admin_site.LabJobsAdminSite"
