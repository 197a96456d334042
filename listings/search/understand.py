"""What a search's words mean besides their text, as students type them: a place
("phlebotomist in boston"), the way of working ("remote"), the schedule ("weekends")
and the student's level ("MS1", "pre-med") become filters, said to the student, who
can take each back out or search the words as typed (`anywhere`); words every job
board's visitors add ("jobs", "positions") are left out."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from .catalogue import get_catalogue
from .places import PLACE_FILTERS, US_STATES, place_names
from .query import _fold_with_positions, _negated, _quoted_mask, fold, without_ends


@dataclass(frozen=True)
class Understood:
    """One filter taken from the words: `words` is what the student typed for it."""

    name: str  # the filter: city, state, institution, mode, schedule, level, hours_max, certs
    value: str
    label: str  # "Boston", "remote", "MS1"
    words: str  # "in Boston"
    # From words that refuse the value ("no weekends"): `name` is the filter that
    # leaves it out ("schedule_not"), `label` says so ("not on weekends")
    refused: bool = False

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
    *((spelling, "remote", "remote")
      for spelling in ("work from home", "from home", "wfh", "online", "virtual")),
]  # fmt: skip
SCHEDULE_WORDS = [
    *((spelling, value, value)
      for value in ("weekends", "evenings", "weekdays")
      for spelling in (value, value[:-1])),
    # The board's one full-time schedule ("full time" alone stays words: no listing
    # mentions it), and a flexible one ("flexible" alone is a listing's word)
    *((spelling, "summer", "full-time in the summer")
      for full in ("full-time", "full time", "fulltime")
      for spelling in (f"summer {full}", f"{full} summer", f"{full} in the summer",
                       f"{full} over the summer", f"{full} this summer")),
    *((f"flexible {what}", "flexible", "flexible schedule")
      for what in ("schedule", "schedules", "hours")),
]  # fmt: skip
_YEARS = {1: ("first", "1st"), 2: ("second", "2nd"), 3: ("third", "3rd"), 4: ("fourth", "4th")}
# "ms1 students", "pre-med student", "premeds", "MS1s"
_STUDENTS = ("", " student", " students", "s")
LEVEL_WORDS = [
    *((f"ms{year}{who}", f"ms{year}", f"MS{year}") for year in range(1, 5) for who in _STUDENTS),
    # "first year med student", "2nd-year medical students" (not "first year" alone:
    # an undergraduate's first year is no medical school year)
    *(
        (f"{ordinal}{dash}year {school}{who}", f"ms{year}", f"MS{year}")
        for year, ordinals in _YEARS.items()
        for ordinal in ordinals
        for dash in (" ", "-")
        for school in ("med", "medical")
        for who in _STUDENTS
    ),
    # "m1", "M3 students": the medical school's own shorthand
    *((f"m{year}{who}", f"ms{year}", f"MS{year}") for year in range(1, 5) for who in _STUDENTS),
    *((spelling + who, "pre_med", "pre-med")
      for spelling in ("pre-med", "premed", "pre med", "pre-health", "prehealth", "pre health")
      for who in _STUDENTS),
    # with "student(s)" only: "PA" alone is Pennsylvania, "MLS" a lab scientist
    *((spelling + who, "pa", "PA")
      for spelling in ("pa", "physician assistant") for who in _STUDENTS[1:3]),
    *((spelling + who, "lab_science", "lab-science")
      for spelling in ("lab science", "lab-science", "mls", "mlt") for who in _STUDENTS[1:3]),
    *((spelling + who, "md_phd", "MD/PhD")
      for spelling in ("md/phd", "md-phd", "mdphd", "md phd") for who in _STUDENTS),
]  # fmt: skip
# How the page says a schedule: "on weekends", "in the evenings", "full-time in the
# summer", "on a flexible schedule"
SCHEDULE_PREPOSITIONS = {"evenings": "in the", "summer": "", "flexible": "on a"}


def schedule_preposition(value: str) -> str:
    return SCHEDULE_PREPOSITIONS.get(value, "on")


# The filters whose words can be refused ("no weekends", "not remote"), and the
# filter that leaves those values out (listings.filters)
REFUSED_FILTER = {"schedule": "schedule_not", "mode": "mode_not", "certs": "certs_not"}
# Spellings that are a lab's words, not a filter, before these words: M1 and M2
# macrophages are cell types
NOT_BEFORE = {
    f"m{year}{plural}": re.compile(
        r"\s*(?:macrophages?|polarization|polarisation)\b", re.IGNORECASE
    )
    for year in (1, 2)
    for plural in ("", "s")
}
# "no certification required": the listings that require none (the certifications
# filter's "None required"), not those that mention certification
CERT_WORDS = [
    (f"{no} {word}{needed}", "none", "requiring no certification")
    for no in ("no", "without")
    for word in ("certification", "certifications", "certs", "certificate", "certificates")
    for needed in ("", " required", " needed", " necessary")
]
# After refused certifications: "no BLS required", "BLS/CPR not needed"
_NEEDED = r"(?:\s+(?:is|are))?\s+(?:required|needed|necessary)"


def certification_words(catalogue) -> list[tuple[str, str, str]]:
    """(spelling, slug, label) of each certification a listing can require: its name,
    its slug's words and the acronyms in its name ("BLS/CPR": "bls/cpr", "bls cpr",
    "bls", "cpr"; "CITI human subjects": "citi"), for words that refuse it."""
    words = []
    for slug, name in catalogue.certifications:
        spellings = {name, slug.replace("-", " ")}
        acronyms = [part for part in re.split(r"[\s/]+", name) if len(part) > 2 and part.isupper()]
        spellings.update(acronyms)
        words += [(spelling, slug, f"requiring {name}") for spelling in spellings]
    return words


# Words before a filter's words that go with them: "jobs in boston", "near Chicago",
# "on weekends", "in the evenings", "for pre-med students"
_LEAD = r"(?:^|(?<=\s))(?:{})\s+$"
PREPOSITION = re.compile(_LEAD.format("in|near|around|at"), re.IGNORECASE)
_SCHEDULE_LEAD = "on|in the|during|over the|over"
LEADING_WORDS = {
    "schedule": re.compile(_LEAD.format(_SCHEDULE_LEAD), re.IGNORECASE),
    "level": re.compile(_LEAD.format("for|open to"), re.IGNORECASE),
}
# Words that refuse what follows: "no weekends", "not on weekends", "without evenings".
# Before any other filter's words they leave them words ("not in Boston" is no
# filter for Boston).
_REFUSING_WORDS = "no|not|without|except|never|but not"
REFUSING = re.compile(_LEAD.format(_REFUSING_WORDS), re.IGNORECASE)
# What visitors of any job board add to their words; no listing is better for them.
FILLER = {
    "job", "jobs", "position", "positions", "opening", "openings", "opportunity",
    "opportunities", "vacancy", "vacancies", "posting", "postings", "hiring",
    "near", "nearby",  # left when no place follows: "phlebotomy near me"
    # Every listing here is a student's position: "summer internship" searches "summer",
    # and "internship" alone every listing (not "intern": a first-year resident)
    "internship", "internships",
}  # fmt: skip
# "10 hours a week", "under 15 hrs", "10-12 hours/week": the hours filter (at most the
# larger number). A singular "hour" counts only with a limit or "a week": "24 hour
# urine collection" is a lab's words.
_HOURS = re.compile(
    r"(?<![\w-])(?P<limit>(?:under|up to|at most|max(?:imum)?|less than|no more than|"
    r"fewer than|<=?)\s*)?(?:\d{1,2}\s*(?:-|to)\s*)?(?P<hours>\d{1,2})\s*"
    r"(?P<unit>hours|hour|hrs|hr|h)(?P<week>\s*(?:a|per|/|each|every)\s*(?:week|wk)|"
    r"\s+weekly)?(?![\w-])",
    re.IGNORECASE,
)
HOURS_MOST = 80  # the hours filter's largest value (listings.filters)
# Phrases of any job board's visitors, left out as FILLER is
FILLER_PHRASES = (  # longest first
    "no experience necessary", "no experience required", "no experience needed",
    "no experience", "entry level", "entry-level",
)  # fmt: skip
# Words that join others, left alone once the others became filters ("evenings and
# weekends" searched "and", which the database ignores, and found nothing); signs
# alone ("&", "/") are dropped with commas already
JOINING = {"and", "or", "with", "for", "of", "the", "a", "an", "only"}  # "weekdays only"
_WORD = re.compile(r"(?<![\w-])[^\W\d_]+(?![\w-])")
_CODE_AFTER_CITY = re.compile(r"\s*,?\s*([A-Za-z]{2})(?![\w-])")
# State codes that are also words after a city ("boston or chicago", "boston in
# june"), or a level ("PA"): never taken in lower case.
_WORD_CODES = {"or", "in", "me", "hi", "ok", "oh", "id", "la", "pa", "de"}


def understand(cleaned: dict) -> list[Understood]:
    """Move hours a week, the student levels, work modes and schedules, then a city,
    state and institution named in `cleaned["q"]` to their filters, unless that filter
    is chosen already or the student asked for the words as typed (`anywhere`), and
    leave out filler words. Only whole words count, never negated or quoted ones.
    Returns what became a filter, in that order."""
    if not (cleaned.get("q") or "").strip() or cleaned.get("anywhere"):
        return []
    kinds = [  # the levels first: "MD/PhD" is not Maryland
        ("level", LEVEL_WORDS, False),
        ("certs", CERT_WORDS, False),
        ("mode", MODE_WORDS, False),
        ("schedule", SCHEDULE_WORDS, False),
        *((name, names, name == "state") for name, names in place_names(get_catalogue())),
    ]
    understood = []
    if not cleaned.get("hours_max") and (hours := _take_hours(cleaned)):
        understood.append(hours)
    for name, names, exact_case in kinds:
        if cleaned.get(name):
            continue
        single = name in PLACE_FILTERS  # one city, state or institution
        values = []
        refused: dict[str, str] = {}  # value: the words that first refused it
        refusable = certification_words(get_catalogue()) if name == "certs" else names
        for value, words in _take_refused(cleaned, refusable) if name in REFUSED_FILTER else []:
            refused.setdefault(value, words)
        lead = PREPOSITION if single else LEADING_WORDS.get(name)
        while found := _take(cleaned, names, exact_case=exact_case, lead=lead):
            value, label, words, at = found
            if value not in values:  # "weekend evening": both; "remote remote": once
                values.append(value)
                understood.append(Understood(name, value, label, words))
            if name == "city" and not cleaned.get("state"):
                understood += _state_after_city(cleaned, at)  # "Boston, ma"
            if single:
                break
        if refused and not values:  # ("weekdays, no weekends": weekdays)
            other = REFUSED_FILTER[name]
            cleaned[other] = list(dict.fromkeys([*(cleaned.get(other) or []), *refused]))
            understood += [
                Understood(other, value, _refused_label(name, refusable, value), words, True)
                for value, words in refused.items()
            ]
        if values:
            cleaned[name] = values[0] if name in ("city", "state") else values
    # "Boston, MA, remote": no commas left alone to search
    kept = [token for token in without_filler(cleaned["q"]).split() if re.search(r'[\w"]', token)]
    if understood:  # "research on weekends and evenings": "research", not "research and";
        # "evenings and weekends": both schedules, any listing
        kept = without_ends(kept, lambda token: token.lower() in JOINING)
    cleaned["q"] = " ".join(kept)
    return understood


def _take_hours(cleaned: dict) -> Understood | None:
    """Hours a week in the words, as the hours filter ("10 hours a week": at most 10),
    taken out of them."""
    text = cleaned["q"]
    in_quotes = _quoted_mask(text)
    for match in _HOURS.finditer(text):
        plural = match.group("unit").lower() in ("hours", "hrs")
        hours = int(match.group("hours"))
        if not (plural or match.group("limit") or match.group("week")):
            continue
        if not 1 <= hours <= HOURS_MOST or in_quotes[match.start()]:
            continue
        if _negated(text, match.start()):
            continue
        cleaned["q"] = " ".join((text[: match.start()] + " " + text[match.end() :]).split())
        cleaned["hours_max"] = Decimal(hours)
        return Understood("hours_max", str(hours), f"up to {hours} hours a week", match.group())
    return None


def _state_after_city(cleaned: dict, at: int) -> list[Understood]:
    """A state's code right after a city, in any case ("boston ma", "Boston, ma"):
    alone, a code counts only in capitals ("in", "or", "me" are words)."""
    text = cleaned["q"]
    match = _CODE_AFTER_CITY.match(text, at)
    typed = match.group(1) if match else ""
    if typed.upper() not in US_STATES or typed.lower() in _WORD_CODES:
        return []
    if _quoted_mask(text)[match.start(1)] or _negated(text, match.start(1)):
        return []
    code = typed.upper()
    cleaned["q"] = " ".join((text[:at] + " " + text[match.end() :]).split())
    cleaned["state"] = code
    return [Understood("state", code, US_STATES[code], typed)]


def without_filler(text: str) -> str:
    """`text` without its plain filler words: "phlebotomy jobs" searches "phlebotomy",
    and "jobs" alone every listing."""
    in_quotes = _quoted_mask(text)
    phrases = "|".join(re.escape(phrase) for phrase in FILLER_PHRASES)
    filler = [
        match.span()
        for match in re.finditer(rf"(?<![\w-])(?:{phrases})(?![\w-])|{_WORD.pattern}", text, re.I)
        if (fold(match.group()) in FILLER or fold(match.group()) in FILLER_PHRASES)
        and not in_quotes[match.start()]
        and not _negated(text, match.start())
    ]
    for start, end in reversed(filler):
        text = text[:start] + " " + text[end:]
    kept = text.split()
    return "" if all(token.lower() == "or" for token in kept) else " ".join(kept)


def words_without(text: str, understood: list[Understood]) -> str:
    """The words a student typed, without those that became the `understood`
    filters (whole words: "ma" of "Boston ma" is not in "mammal"): the search
    without them."""
    for each in understood:
        text = re.sub(rf"(?<![\w-]){re.escape(each.words)}(?!\w)", " ", text, count=1)
    return " ".join(text.split())


def _refused_label(name: str, names, value: str) -> str:
    """What the page says of a refused value: "not on weekends", "not remote", "not
    requiring BLS/CPR"."""
    label = next(label for _, each, label in names if each == value)
    if name == "schedule":
        label = f"{schedule_preposition(value)} {label}".strip()
    return f"not {label}"


def _take_refused(cleaned: dict, names) -> list[tuple[str, str]]:
    """The values of `names` (spelling, value, label) that words refuse, as (value,
    the words), those words taken out of `cleaned["q"]`: "no weekends", "not on
    weekends or evenings" (both refused: the words of each are the whole phrase);
    "no BLS (required)", "BLS not needed" (for the words of a certification)."""
    text = cleaned["q"]
    folded, origin = _fold_with_positions(text)
    in_quotes = _quoted_mask(text)
    values = {fold(spelling): value for spelling, value, _ in names}
    if not values:
        return []
    spellings = "|".join(map(re.escape, sorted(values, key=len, reverse=True)))
    one = rf"(?:(?:{_SCHEDULE_LEAD})\s+)?({spellings})"
    several = rf"{one}(?:(?:\s*,\s*|\s+(?:or|nor|and)\s+){one})*"
    chain = re.compile(
        rf"(?<![\w-])(?:(?:{_REFUSING_WORDS})\s+{several}(?:{_NEEDED})?"
        rf"|{several}(?:\s+(?:is|are))?\s+not\s+(?:required|needed|necessary))(?!\w)"
    )
    taken, spans = [], []
    for match in chain.finditer(folded):
        start, end = origin[match.start()], origin[match.end() - 1] + 1
        if in_quotes[start] or _negated(text, start):
            continue
        words = text[start:end]
        refused = re.finditer(rf"(?<![\w-]){one}(?!\w)", match.group())
        taken += [(values[each.group(1)], words) for each in refused]
        spans.append((start, end))
    for start, end in reversed(spans):
        text = text[:start] + " " + text[end:]
    cleaned["q"] = " ".join(text.split())
    return taken


def _take(cleaned: dict, names, *, exact_case: bool, lead: re.Pattern | None) -> tuple | None:
    """The first of `names` (spelling, value, label) found in `cleaned["q"]`, longest
    first, as (value, label, the words typed, where they were); those words are taken
    out, with the words before them that `lead` matches ("in" Boston, "on" weekends).
    Words that refuse them ("not in Boston") leave them words (_take_refused takes
    those of a schedule or a way of working)."""
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
            if (unless := NOT_BEFORE.get(needle)) and unless.match(haystack, match.end()):
                continue  # "M1 macrophages"
            before = lead.search(text[:start]) if lead else None
            if before:
                start = before.start()
            if REFUSING.search(text[:start]):
                continue  # "not in Boston"
            kept = text[:start].rstrip()
            cleaned["q"] = kept + (" " if kept else "") + " ".join(text[end:].split())
            cleaned["q"] = cleaned["q"].strip()
            return value, label, text[start:end].strip(), len(kept)
    return None
