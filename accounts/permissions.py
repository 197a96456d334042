"""Who may open which page: the student gate, and whether an address is confirmed."""

from functools import wraps

from allauth.account.models import EmailAddress
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def student_required(view):
    """Students only. Anonymous visitors are sent to log in and brought back; lab
    staff and admins get 403 (the page exists, it is not theirs to use)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user.is_student:
            raise PermissionDenied("This page is for student accounts.")
        return view(request, *args, **kwargs)

    return wrapper


def has_verified_email(user) -> bool:
    """True when the account's current email address was confirmed by its link."""
    return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()
