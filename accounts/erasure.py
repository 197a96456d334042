"""The one interface through which apps above `accounts` take part in deleting an
account: each app that keeps a user's personal data registers an eraser (in its
AppConfig.ready), and `accounts.services.account_delete` runs every eraser inside
its transaction before the user row goes. `accounts` itself imports no other app."""

from collections.abc import Callable

_erasers: list[Callable] = []


def register_eraser(eraser: Callable) -> Callable:
    """`eraser(*, user)` removes or anonymises what its app keeps about `user`; it
    runs inside the deletion's transaction, so a failure keeps the whole account."""
    if eraser not in _erasers:
        _erasers.append(eraser)
    return eraser


def erase_everywhere(*, user) -> None:
    for eraser in _erasers:
        eraser(user=user)
