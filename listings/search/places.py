"""Places in the words of a search: "phlebotomist boston" means phlebotomist listings
in Boston. A city of LabJobs' labs, a US state (by name, or its code typed in
capitals) or an institution (by name or its short name) typed among the words
becomes that filter, said to the student, who can search everywhere instead; the
words that are left search the listings' text."""

from __future__ import annotations

import re

from .catalogue import get_catalogue
from .query import _fold_with_positions, _negated, _quoted_mask, fold

US_STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan",
    "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri", "MT": "Montana",
    "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire", "NJ": "New Jersey",
    "NM": "New Mexico", "NY": "New York", "NC": "North Carolina", "ND": "North Dakota",
    "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island",
    "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas",
    "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington",
    "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
}  # fmt: skip
# Codes that are also words of a query ("OR" is websearch's "or"): only by name.
NOT_BY_CODE = {"OR"}


def understand_places(cleaned: dict) -> list[tuple[str, str]]:
    """Move a city, a state and an institution named in `cleaned["q"]` to their
    filters, unless that filter is chosen already or the student asked to search
    everywhere. Returns what was understood as (filter, label) pairs. Only whole
    words count, never negated or quoted ones; a city wins over a state of the same
    name ("Washington")."""
    if not (cleaned.get("q") or "").strip() or cleaned.get("anywhere"):
        return []
    catalogue = get_catalogue()
    understood = []
    kinds = [
        ("city", [(city, city, city) for city in catalogue.cities]),
        ("state", [(name, code, name) for code, name in US_STATES.items()]
                  + [(code, code, US_STATES[code]) for code in US_STATES
                     if code not in NOT_BY_CODE]),
        ("institution", [(name, slug, name) for slug, name in catalogue.institutions]
                        + [(slug.replace("-", " "), slug, name)
                           for slug, name in catalogue.institutions]),
    ]  # fmt: skip
    for kind, names in kinds:
        if cleaned.get(kind):
            continue
        found = _take(cleaned, names, exact_case=(kind == "state"))
        if found:
            value, label = found
            cleaned[kind] = [value] if kind == "institution" else value
            understood.append((kind, label))
    return understood


def _take(cleaned: dict, names, *, exact_case: bool) -> tuple[str, str] | None:
    """The first of `names` (spelling, value, label) found in `cleaned["q"]`, longest
    first; it is taken out of the words."""
    text = cleaned["q"]
    folded, origin = _fold_with_positions(text)
    in_quotes = _quoted_mask(text)
    for spelling, value, label in sorted(names, key=lambda n: len(n[0]), reverse=True):
        code = exact_case and len(spelling) == 2
        haystack, needle = (text, spelling) if code else (folded, fold(spelling))
        if needle not in haystack:
            continue
        for match in re.finditer(rf"(?<![\w-]){re.escape(needle)}(?!\w)", haystack):
            start, end = match.span() if code else (
                origin[match.start()], origin[match.end() - 1] + 1
            )  # fmt: skip
            if in_quotes[start] or _negated(text, start):
                continue
            cleaned["q"] = " ".join((text[:start] + " " + text[end:]).split())
            return value, label
    return None
