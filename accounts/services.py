"""Account writes that touch several rows."""

from django.contrib.admin.models import CHANGE, LogEntry
from django.db import transaction
from django.utils import timezone

from .models import LabStaffProfile


@transaction.atomic
def lab_staff_verify(*, profiles, by) -> int:
    """Verify the unverified lab staff among `profiles`; return how many were verified.

    One UPDATE for all of them, and an admin LogEntry for each verified account.
    """
    to_verify = list(
        LabStaffProfile.objects.filter(pk__in=[p.pk for p in profiles], verified=False)
        .select_for_update()
        .select_related("user", "lab")
    )
    if not to_verify:
        return 0
    LabStaffProfile.objects.filter(pk__in=[p.pk for p in to_verify]).update(
        verified=True, verified_at=timezone.now(), verified_by=by
    )
    LogEntry.objects.log_actions(
        user_id=by.pk, queryset=to_verify, action_flag=CHANGE, change_message="Verified lab staff."
    )
    return len(to_verify)
