"""The places a search's words may name: the cities of LabJobs' labs (by name, or by
what students call them: "NYC"), US states (by name, or by code typed in capitals)
and institutions (by name or short name). The words that name one become its filter
(search.understand)."""

from __future__ import annotations

from .query import fold

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
PLACE_FILTERS = ("city", "state", "institution")
# What students call a city besides its name: a lab's city is found by these too. Not
# "LA" or "DC" (states' codes) and nothing that is a common word.
CITY_ALIASES = {
    "new york": ("NYC", "New York City", "Manhattan"),
    "san francisco": ("SF", "San Fran"),
    "philadelphia": ("Philly",),
    "st. louis": ("St Louis", "Saint Louis", "STL"),
    "salt lake city": ("SLC",),
    "atlanta": ("ATL",),
    "new orleans": ("NOLA",),
}


def place_names(catalogue) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """For each place filter, in the order they are looked for (a city wins over a
    state of the same name, "Washington"), its names as (spelling, value, label)."""
    return [
        ("city", [(city, city, city) for city in catalogue.cities]
                 + [(alias, city, city) for city in catalogue.cities
                    for alias in CITY_ALIASES.get(fold(city), ())]),
        ("state", [(name, code, name) for code, name in US_STATES.items()]
                  + [(code, code, US_STATES[code]) for code in US_STATES
                     if code not in NOT_BY_CODE]),
        ("institution", [(name, slug, name) for slug, name in catalogue.institutions]
                        + [(slug.replace("-", " "), slug, name)
                           for slug, name in catalogue.institutions]),
    ]  # fmt: skip
