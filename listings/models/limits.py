"""Checks that several models share: length limits in the database, web links only."""

from django.core.validators import URLValidator
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual

# Links end up in href attributes: only web addresses, never javascript: or data:.
WEB_URL = [URLValidator(schemes=["http", "https"])]


def max_length(field: str, limit: int, model: str) -> models.CheckConstraint:
    """A CHECK constraint on a text column's length, with a message for forms."""
    return models.CheckConstraint(
        condition=LessThanOrEqual(Length(field), limit),
        name=f"{model}_{field}_max_length",
        violation_error_message=f"{field.replace('_', ' ').capitalize()} is too long "
        f"(at most {limit:,} characters).",
    )
