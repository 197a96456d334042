"""How django-allauth creates LabJobs accounts: students by default, lab staff from the
staff sign-up form; a confirmed address on a lab's email domain verifies its staff."""

from allauth.account.adapter import DefaultAccountAdapter

from .models import User
from .services import lab_staff_auto_verify


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user.role = getattr(form, "signup_role", User.Role.STUDENT)
        return super().save_user(request, user, form, commit=commit)

    def confirm_email(self, request, email_address):
        confirmed = super().confirm_email(request, email_address)
        if confirmed:
            lab_staff_auto_verify(user=email_address.user, email=email_address.email)
        return confirmed
