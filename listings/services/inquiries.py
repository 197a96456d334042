"""Students' inquiries to labs that are open to them, relayed by email without
showing the lab's addresses; limited per student and per lab."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.permissions import has_verified_email
from listings.models import LabInquiry

from . import ServiceError, notifications, validated

INQUIRIES_PER_DAY = 3
INQUIRY_LAB_INTERVAL = timedelta(days=30)


@transaction.atomic
def inquiry_send(*, student, lab, message: str) -> LabInquiry:
    """Relay a student's message to a lab open to inquiries, without showing the lab's
    address. At most 3 a day per student, and 1 per lab per 30 days."""
    message = message.strip()
    if not lab.open_to_inquiries or not lab.approved:
        raise ServiceError("This lab is not taking inquiries at the moment.")
    if not has_verified_email(student):
        raise ServiceError("Confirm your email address before you contact a lab.")
    # One student's inquiries are counted one at a time: lock their account row.
    list(get_user_model().objects.select_for_update().filter(pk=student.pk).values_list("pk"))
    now = timezone.now()
    sent = LabInquiry.objects.filter(student=student)
    if sent.filter(lab=lab, created_at__gt=now - INQUIRY_LAB_INTERVAL).exists():
        raise ServiceError("You contacted this lab in the last 30 days; wait for its answer.")
    if sent.filter(created_at__gt=now - timedelta(days=1)).count() >= INQUIRIES_PER_DAY:
        raise ServiceError("You can contact 3 labs a day. Try again tomorrow.")
    inquiry = LabInquiry(lab=lab, student=student, message=message, created_at=now)
    validated(inquiry)
    inquiry.save()
    notifications.inquiry_to_lab(inquiry)
    return inquiry
