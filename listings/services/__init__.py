"""Writes that touch several models, files or mail, one module per domain:
listings (posting and moderation), applications (students' and labs' moves,
messages), labs (staff sign-up and verification, lab settings), inquiries,
saved_searches, scheduled (expiry, reminders, alerts, vocabulary) and
notifications (the mail they send).

Each function is `<entity>_<action>(*, ...)`, keyword-only, in one transaction; a
request that cannot be done raises ServiceError, which views turn into a message in
one place (`listings.views.common.service_errors`)."""

from django.core.exceptions import ValidationError

from labjobs.errors import IllegalTransition, ServiceError

__all__ = ["IllegalTransition", "ServiceError", "validated"]


def validated(instance, **kwargs):
    """`instance.full_clean(**kwargs)`, its errors raised as one ServiceError."""
    try:
        instance.full_clean(**kwargs)
    except ValidationError as error:
        raise ServiceError(" ".join(error.messages)) from error
    return instance
