"""Answers that take the same time whatever they found: a sign-up with a taken address
does less work than one that creates an account, and the difference would tell an
attacker which addresses have accounts. Both are held to the same floor."""

import time
from functools import wraps

from django.conf import settings


def at_least_for_posts(seconds_setting: str):
    """Hold every POST answer of the view until the setting's seconds have passed."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            started = time.monotonic()
            response = view(request, *args, **kwargs)
            if request.method == "POST":
                remaining = getattr(settings, seconds_setting) - (time.monotonic() - started)
                if remaining > 0:
                    time.sleep(remaining)
            return response

        return wrapper

    return decorate
