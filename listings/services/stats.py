"""Counting a listing's page views: one row per listing and day, incremented in one
statement (INSERT ... ON CONFLICT), so that two visitors at once count twice and a
popular listing holds no lock longer than that statement."""

from __future__ import annotations

import logging
import re

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from listings.models import ListingDayViews

logger = logging.getLogger(__name__)

# Crawlers that say what they are (search engines, link previews, feed readers).
ROBOT = re.compile(r"bot|crawl|spider|slurp|preview|fetch|monitor", re.IGNORECASE)


def counts_as_a_view(request) -> bool:
    """Students and visitors count; lab staff, admins and robots do not."""
    user = request.user
    if user.is_authenticated and (user.is_lab_staff or user.is_admin):
        return False
    return not ROBOT.search(request.headers.get("User-Agent", ""))


def listing_view_record(*, listing_id: int) -> bool:
    """Count one view. A count that cannot be written (the primary refusing writes
    while replicas still serve reads, a constraint, a timeout) is lost and logged:
    the page is served all the same. False when it was not counted."""
    table = ListingDayViews._meta.db_table
    try:
        with transaction.atomic(), connection.cursor() as cursor:  # a savepoint
            cursor.execute(
                f"INSERT INTO {table} (listing_id, day, views) VALUES (%s, %s, 1) "  # noqa: S608
                f"ON CONFLICT (listing_id, day) DO UPDATE SET views = {table}.views + 1",
                [listing_id, timezone.localdate()],
            )
    except DatabaseError:
        logger.warning("A view of listing %s was not counted.", listing_id, exc_info=True)
        return False
    return True
