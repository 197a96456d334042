"""Places in the words of a search: "phlebotomist boston" means phlebotomist listings
in Boston. A city of LabJobs' labs typed among the words becomes the city filter
(shown to the student, who can search everywhere instead), so that the words that
are left search the listings' text."""

from __future__ import annotations

import re

from .catalogue import get_catalogue
from .query import _fold_with_positions, _negated, _quoted_mask, fold


def understand_places(cleaned: dict) -> str:
    """Move a city named in `cleaned["q"]` to `cleaned["city"]`, unless a city is
    chosen already or the student asked to search everywhere; returns the city moved
    ("" when none). Only whole words count, never negated or quoted ones."""
    text = (cleaned.get("q") or "").strip()
    if not text or cleaned.get("city") or cleaned.get("anywhere"):
        return ""
    folded, origin = _fold_with_positions(text)
    in_quotes = _quoted_mask(text)
    for city in sorted(get_catalogue().cities, key=len, reverse=True):
        for match in re.finditer(rf"(?<![\w-]){re.escape(fold(city))}(?!\w)", folded):
            start, end = origin[match.start()], origin[match.end() - 1] + 1
            if in_quotes[start] or _negated(text, start):
                continue
            cleaned["q"] = " ".join((text[:start] + " " + text[end:]).split())
            cleaned["city"] = city
            return city
    return ""
