"""The one error type of LabJobs' services: what a user asked for that cannot be done,
with a message that says why. Services raise it (or a subclass); views turn it into a
message or a form error in one place (`listings.views.common.service_errors`)."""


class ServiceError(Exception):
    """A request that cannot be done now; `str(error)` is the message for the user."""

    @property
    def message(self) -> str:
        return str(self)


class IllegalTransition(ServiceError):
    """A state change that the object's current state does not allow."""
