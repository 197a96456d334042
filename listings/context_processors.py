"""What every page's navigation shows a signed-in student: how many updates from labs
they have not read. A callable, so a page that does not show it costs no query."""

from django.db.models import Sum

from .models import Application


def student_unread(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_student:
        return {}

    def unread_total() -> int:
        total = Application.objects.filter(student=user, unread_by_student__gt=0).aggregate(
            total=Sum("unread_by_student")
        )["total"]
        return total or 0

    return {"unread_total": unread_total}
