"""What a search's words mean besides their text, as students type them: a place
("phlebotomist in boston"), the way of working ("remote"), the schedule ("weekends")
and the student's level ("MS1", "pre-med") become filters, said to the student, who
can take each back out or search the words as typed (`anywhere`); words every job
board's visitors add ("jobs", "positions") are left out."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .catalogue import get_catalogue
from .places import PLACE_FILTERS, place_names
from .query import _fold_with_positions, _negated, _quoted_mask, fold


@dataclass(frozen=True)
class Understood:
    """One filter taken from the words: `words` is what the student typed for it."""

    name: str  # the filter: city, state, institution, mode, schedule, level
    value: str
    label: str  # "Boston", "remote", "MS1"
    words: str  # "in Boston"

    @property
    def is_place(self) -> bool:
        return self.name in PLACE_FILTERS


# (spelling, value, label); spellings compare without case or accents
MODE_WORDS = [
    ("remote", "remote", "remote"),
    ("hybrid", "hybrid", "hybrid"),
    ("on-site", "on_site", "on-site"),
    ("onsite", "on_site", "on-site"),
    ("on site", "on_site", "on-site"),
    ("in-person", "on_site", "on-site"),
    ("in person", "on_site", "on-site"),
]
SCHEDULE_WORDS = [
    (spelling, value, value)
    for value in ("weekends", "evenings", "weekdays")
    for spelling in (value, value[:-1])
]
LEVEL_WORDS = [
    *((f"ms{year}", f"ms{year}", f"MS{year}") for year in range(1, 5)),
    *((spelling, "pre_med", "pre-med") for spelling in ("pre-med", "premed", "pre med")),
    *((spelling, "md_phd", "MD/PhD") for spelling in ("md/phd", "md-phd", "mdphd", "md phd")),
]
# Words before a place that go with it: "jobs in boston", "near Chicago"
PREPOSITION = re.compile(r"(?:^|(?<=\s))(?:in|near|around|at)\s+$", re.IGNORECASE)
# What visitors of any job board add to their words; no listing is better for them.
FILLER = {
    "job", "jobs", "position", "positions", "opening", "openings", "opportunity",
    "opportunities", "vacancy", "vacancies", "posting", "postings", "hiring",
    "near", "nearby",  # left when no place follows: "phlebotomy near me"
}  # fmt: skip
_WORD = re.compile(r"(?<![\w-])[^\W\d_]+(?![\w-])")


def understand(cleaned: dict) -> list[Understood]:
    """Move a city, state, institution, work mode, schedule and student level named in
    `cleaned["q"]` to their filters, unless that filter is chosen already or the
    student asked for the words as typed (`anywhere`), and leave out filler words.
    Only whole words count, never negated or quoted ones. Returns what became a
    filter, in that order."""
    if not (cleaned.get("q") or "").strip() or cleaned.get("anywhere"):
        return []
    kinds = [
        *((name, names, name == "state") for name, names in place_names(get_catalogue())),
        ("mode", MODE_WORDS, False),
        ("schedule", SCHEDULE_WORDS, False),
        ("level", LEVEL_WORDS, False),
    ]
    understood = []
    for name, names, exact_case in kinds:
        if cleaned.get(name):
            continue
        found = _take(cleaned, names, exact_case=exact_case, place=name in PLACE_FILTERS)
        if found:
            value, label, words = found
            cleaned[name] = value if name in ("city", "state") else [value]
            understood.append(Understood(name, value, label, words))
    cleaned["q"] = without_filler(cleaned["q"])
    if understood and not re.search(r"\w", cleaned["q"]):
        cleaned["q"] = ""  # "Boston, MA": nothing left to search but the comma
    return understood


def without_filler(text: str) -> str:
    """`text` without its plain filler words: "phlebotomy jobs" searches "phlebotomy",
    and "jobs" alone every listing."""
    in_quotes = _quoted_mask(text)
    filler = [
        match.span()
        for match in _WORD.finditer(text)
        if fold(match.group()) in FILLER
        and not in_quotes[match.start()]
        and not _negated(text, match.start())
    ]
    for start, end in reversed(filler):
        text = text[:start] + " " + text[end:]
    kept = text.split()
    return "" if all(token.lower() == "or" for token in kept) else " ".join(kept)


def words_without(text: str, understood: list[Understood]) -> str:
    """The words a student typed, without those that became the `understood`
    filters: the search without them."""
    for each in understood:
        text = text.replace(each.words, " ", 1)
    return " ".join(text.split())


def _take(cleaned: dict, names, *, exact_case: bool, place: bool) -> tuple[str, str, str] | None:
    """The first of `names` (spelling, value, label) found in `cleaned["q"]`, longest
    first, as (value, label, the words typed); those words are taken out, with the
    preposition before a place."""
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
            before = PREPOSITION.search(text[:start]) if place else None
            if before:
                start = before.start()
            cleaned["q"] = " ".join((text[:start] + " " + text[end:]).split())
            return value, label, text[start:end].strip()
    return None
