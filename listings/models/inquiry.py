"""Students' messages to labs that are open to inquiries, relayed by email."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .choices import INQUIRY_MAX
from .labs import Lab
from .limits import max_length


class LabInquiry(models.Model):
    """A student's message to a lab that is open to inquiries, relayed by email."""

    lab = models.ForeignKey(Lab, on_delete=models.CASCADE, related_name="inquiries")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lab_inquiries"
    )
    message = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "lab inquiries"
        indexes = [models.Index(fields=["student", "created_at"], name="labinquiry_student")]
        constraints = [
            max_length("message", INQUIRY_MAX, "labinquiry"),
            models.CheckConstraint(condition=~models.Q(message=""), name="labinquiry_message"),
        ]

    def __str__(self):
        return f"{self.student} -> {self.lab}"
