"""What every page's navigation shows: to a student, how many updates from labs they
have not read; to lab staff, how many messages and answers from their lab's
applicants. Callables, so a page that does not show them costs no query."""

from django.db.models import Sum

from accounts.models import Membership

from .models import Application


def _total(applications, field: str) -> int:
    return applications.filter(**{f"{field}__gt": 0}).aggregate(total=Sum(field))["total"] or 0


def unread_counts(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if user.is_student:
        return {
            "unread_total": lambda: _total(
                Application.objects.filter(student=user), "unread_by_student"
            )
        }
    if user.is_lab_staff:
        own_lab = Application.objects.filter(
            listing__lab__staff__user=user, listing__lab__staff__status=Membership.ACTIVE
        )
        return {"lab_unread_total": lambda: _total(own_lab, "unread_by_lab")}
    return {}
