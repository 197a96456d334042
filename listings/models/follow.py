"""A student follows a lab: they are emailed each listing it publishes."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .labs import Lab


class LabFollow(models.Model):
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lab_follows"
    )
    lab = models.ForeignKey(Lab, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["student", "lab"], name="labfollow_one_per_lab"),
        ]
        indexes = [models.Index(fields=["lab"], name="labfollow_lab")]

    def __str__(self):
        return f"{self.student} follows {self.lab}"
