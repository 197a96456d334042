"""How django-allauth creates LabJobs accounts: students by default, lab staff from the
staff sign-up form; a confirmed address is announced (accounts.hooks) to the apps
that care (listings approves lab staff on the lab's email domain).

Every address that comes in (sign-up, login, password reset, a new address) is
compared by its key (accounts/identity.py): a spelling of an address that an account
already has becomes that account's address, so allauth gives the answer it gives for
any taken address, its limits count one budget per account, and its mail goes to the
address the owner registered, never to a look-alike."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from django.conf import settings
from django.shortcuts import resolve_url

from labjobs.mail import queue_email

from . import hooks
from .identity import email_key
from .models import User

# The address a confirmation link was last sent to in this session, and why ("signup"
# or "login"): the "check your email" page names it and offers to send it again.
VERIFY_ADDRESS = "verify_address"
VERIFY_REASON = "verify_reason"


def remember_verification(request, address: str, *, reason: str) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[VERIFY_ADDRESS] = address
        request.session[VERIFY_REASON] = reason


def registered_spelling(address: str) -> str | None:
    """The address as the account that owns this address's key registered it."""
    return User.objects.filter(email_key=email_key(address)).values_list("email", flat=True).first()


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        email = super().clean_email(email)
        return registered_spelling(email) or email

    def send_mail(self, template_prefix, email, context):
        """allauth's mail (confirmation links, password resets) goes through the queue
        like LabJobs' own: the request never waits for the mail server."""
        queue_email(self.render_mail(template_prefix, email, context))

    def send_confirmation_mail(self, request, emailconfirmation, signup):
        super().send_confirmation_mail(request, emailconfirmation, signup)
        address = emailconfirmation.email_address.email
        remember_verification(request, address, reason="signup" if signup else "login")

    def send_account_already_exists_mail(self, email):
        # The page after sign-up reads the same whether or not the address had an
        # account (allauth's enumeration prevention): it names the address typed.
        super().send_account_already_exists_mail(email)
        remember_verification(context.request, email, reason="signup")

    def get_login_redirect_url(self, request):
        """Lab staff land on their lab's listings (STAFF_LOGIN_REDIRECT_URL), students
        on the search; a `next` address, when there is one, wins over both."""
        if request.user.is_authenticated and request.user.is_lab_staff:
            return resolve_url(settings.STAFF_LOGIN_REDIRECT_URL)
        return super().get_login_redirect_url(request)

    def save_user(self, request, user, form, commit=True):
        user.role = getattr(form, "signup_role", User.Role.STUDENT)
        return super().save_user(request, user, form, commit=commit)

    def confirm_email(self, request, email_address):
        confirmed = super().confirm_email(request, email_address)
        if confirmed:
            hooks.announce(
                hooks.ADDRESS_CONFIRMED, user=email_address.user, email=email_address.email
            )
        return confirmed
