"""How django-allauth creates LabJobs accounts: everyone who signs up here is a student."""

from allauth.account.adapter import DefaultAccountAdapter

from .models import User


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user.role = User.Role.STUDENT
        return super().save_user(request, user, form, commit=commit)
