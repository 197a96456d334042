"""The filters a search applies, as chips the student can remove one by one: each
chip names a value in words ("Paid", "At most 10 h a week", "State: Ohio") and links
to the same search without it (and back to its first page)."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import QueryDict

from .understand import Understood, words_without

# Parameters that are the search itself, not filters on it.
NOT_FILTERS = {"q", "sort", "anywhere", "page"}
NUMBER_WORDS = {
    "hours_max": "At most {} h a week",
    "deadline_within": "Deadline within {} days",
    "posted_within": "Posted within {} days",
}
CHOICE_WORDS = {
    "certs": "I hold: {}", "schedule_not": "Not on {}", "mode_not": "Not {}",
    "certs_not": "Not requiring {}",
}  # fmt: skip


@dataclass(frozen=True)
class Chip:
    label: str
    remove_query: str  # the query string without this value


def applied_filters(cleaned: dict) -> dict:
    """The filters a search applies, with their valid values: not its words, sort or
    page, nor the filters left empty."""
    return {
        name: value
        for name, value in cleaned.items()
        if name not in NOT_FILTERS and value not in (None, "", [], (), False)
    }


def _without(params: QueryDict, name: str, value: str | None = None) -> str:
    params = params.copy()
    params.pop("page", None)
    if value is None:
        params.pop(name, None)
    else:
        params.setlist(name, [v for v in params.getlist(name) if v != value])
    return params.urlencode()


def _without_words(params: QueryDict, understood: Understood) -> str:
    """The search without the words a filter was taken from ("in Boston")."""
    params = params.copy()
    params.pop("page", None)
    params["q"] = words_without(params.get("q", ""), [understood])
    return params.urlencode()


def clear_all_query(params: QueryDict, understood: list[Understood]) -> str:
    """The search's words alone, without the filters, those taken from them too."""
    words = words_without(params.get("q", ""), understood)
    return QueryDict.fromkeys(["q"], words).urlencode() if words else ""


def _label(understood: Understood | None) -> str:
    """A refused value's chip says it as the words did: "Not on weekends"."""
    if understood is None or not understood.refused:
        return ""
    return understood.label[:1].upper() + understood.label[1:]


def applied_filter_chips(
    form, params: QueryDict, understood: list[Understood] | tuple = ()
) -> list[Chip]:
    """One chip per valid filter value the search applies, in the form's order; a
    filter taken from the words (`understood`) is removed with its words. Invalid
    values are left out: the form reports them and the search ignores them."""
    form.is_valid()  # validated once already by the search; cleaned_data holds the valid
    from_words = {(each.name, each.value): each for each in understood}

    def without(name: str, value: str | None = None) -> str:
        value = str(value if value is not None else form.cleaned_data[name])
        taken = from_words.get((name, value))
        return _without_words(params, taken) if taken else _without(params, name, value)

    applied = applied_filters(form.cleaned_data)
    chips = []
    for name, field in form.fields.items():
        if name not in applied:
            continue
        value = applied[name]
        if isinstance(value, list | tuple):
            labels = dict(field.choices)
            words = CHOICE_WORDS.get(name, "{}")
            chips += [
                Chip(_label(from_words.get((name, str(item))))
                     or words.format(labels.get(item, item)), without(name, str(item)))
                for item in value
            ]  # fmt: skip
        elif name in NUMBER_WORDS:
            chips.append(Chip(NUMBER_WORDS[name].format(int(value)), without(name)))
        elif value is True:
            chips.append(Chip(str(field.label), without(name)))
        else:
            shown = dict(getattr(field, "choices", ())).get(value, value)
            chips.append(Chip(f"{field.label}: {shown}", without(name)))
    return chips
