"""The one interface through which apps above `accounts` take part in account events
(`accounts` itself imports no other app of LabJobs). An app registers a handler in
its AppConfig.ready:

- `ADDRESS_CONFIRMED`: `handler(*, user, email)`, after a user confirmed an address
  by its emailed link (listings: a lab-staff membership on the lab's email domain is
  approved; a request to join is announced to the lab's staff).
- `ACCOUNT_DELETING`: `handler(*, user)`, inside the transaction that deletes an
  account, before the user row goes (listings: applications are anonymised). A
  failing handler keeps the whole account.
"""

from collections.abc import Callable

ADDRESS_CONFIRMED = "address_confirmed"
ACCOUNT_DELETING = "account_deleting"
_handlers: dict[str, list[Callable]] = {ADDRESS_CONFIRMED: [], ACCOUNT_DELETING: []}


def register(event: str, handler: Callable) -> Callable:
    if handler not in _handlers[event]:
        _handlers[event].append(handler)
    return handler


def announce(event: str, **kwargs) -> None:
    for handler in _handlers[event]:
        handler(**kwargs)
