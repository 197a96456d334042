"""A listing's history in plain words, for its staff: "Sam Rivera created the
listing", "Sam Rivera changed the deadline and the title", "Ana Ortiz approved it"."""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist

from .choices import ListingStatus as L

# What a move did, in words that follow its actor.
MOVE_WORDS = {
    (L.DRAFT, L.PENDING): "submitted it for review",
    (L.REJECTED, L.PENDING): "submitted it for review again",
    (L.PENDING, L.DRAFT): "took it back from review",
    (L.PENDING, L.PUBLISHED): "approved it",
    (L.PENDING, L.REJECTED): "rejected it",
    (L.DRAFT, L.PUBLISHED): "published it (a trusted lab needs no review)",
    (L.REJECTED, L.PUBLISHED): "published it (a trusted lab needs no review)",
    (L.PUBLISHED, L.CLOSED): "closed it",
    (L.PUBLISHED, L.EXPIRED): "it expired",
    (L.EXPIRED, L.PUBLISHED): "renewed it",
}
CREATED = "created the listing"
NOT_FIELDS = {"version", "form_token", "nothing"}


def sentence(event) -> str:
    actor = (event.actor.get_full_name() or event.actor.email) if event.actor else ""
    if event.from_status != event.to_status:
        words = MOVE_WORDS.get((event.from_status, event.to_status), "changed its status")
    elif event.reason == "Created.":  # recorded before these words
        words = CREATED
    elif event.reason.startswith("Edited ("):  # recorded before these words
        names = event.reason[len("Edited (") : -len(").")].split(", ")
        words = edit_words(names, model=event._meta.get_field("listing").related_model)
    else:
        words = event.reason[:1].lower() + event.reason[1:].rstrip(".")
    if not actor or words == "it expired":
        return words[:1].upper() + words[1:]
    return f"{actor} {words}"


def edit_words(names, *, model) -> str:
    """ "changed the deadline and the title", from the names of the fields of `model`
    (the listing) that were edited."""
    labels = []
    for name in names:
        if name in NOT_FIELDS:
            continue
        try:
            label = str(model._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:
            label = name.replace("_", " ")
        labels.append("the " + label.split(" (")[0])
    if not labels:
        return "saved it unchanged"
    if len(labels) == 1:
        return "changed " + labels[0]
    return "changed " + ", ".join(labels[:-1]) + " and " + labels[-1]
