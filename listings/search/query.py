"""The words of a search: websearch syntax (quotes, -word, or) with admin-kept
synonyms, as one PostgreSQL tsquery."""

from __future__ import annotations

import itertools
import re

from django.contrib.postgres.search import SearchQuery

from .catalogue import get_catalogue

SEARCH_CONFIG = "labjobs"  # english stemming + unaccent (migration 0007)
MAX_VARIANTS = 16


def synonym_pairs() -> list[tuple[str, str]]:
    return get_catalogue().synonyms


def query_variants(text: str, pairs: list[tuple[str, str]] | None = None) -> list[str]:
    """`text` and its rewrites with each synonym swapped in, e.g. "blood draw clinic"
    -> ["blood draw clinic", "phlebotomy clinic"]. Negated words ("-RA") stay as
    they are; a multi-word replacement outside quotes becomes a quoted phrase."""
    pairs = synonym_pairs() if pairs is None else pairs
    alternatives = _equivalence_classes(pairs)
    spots = []  # (start, end, [replacements])
    taken = [False] * len(text)
    in_quotes = _quoted_mask(text)
    # Longest phrases first, so "blood draw" wins over "blood".
    for phrase in sorted(alternatives, key=len, reverse=True):
        pattern = re.compile(rf"(?<![\w-]){re.escape(phrase)}(?!\w)", re.IGNORECASE)
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(taken[start:end]):
                continue
            quoted = in_quotes[start]
            options = [
                alt if quoted or " " not in alt else f'"{alt}"'
                for alt in sorted(alternatives[phrase])
            ]
            spots.append((start, end, options))
            for i in range(start, end):
                taken[i] = True
    spots.sort()
    variants = [text]
    choices = [[None, *options] for _, _, options in spots]
    for combination in itertools.islice(itertools.product(*choices), 1, MAX_VARIANTS):
        pieces, cursor = [], 0
        for (start, end, _), replacement in zip(spots, combination, strict=True):
            pieces.append(text[cursor:start])
            pieces.append(text[start:end] if replacement is None else replacement)
            cursor = end
        pieces.append(text[cursor:])
        variants.append("".join(pieces))
    return variants


def _equivalence_classes(pairs: list[tuple[str, str]]) -> dict[str, set[str]]:
    """Each word or phrase -> every other one it is linked to, directly or through
    others ("blood draw" = "phlebotomy" = "phlebotomist")."""
    parent: dict[str, str] = {}
    spelling: dict[str, str] = {}

    def root(key: str) -> str:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for term, equivalent in pairs:
        for word in (term, equivalent):
            parent.setdefault(word.lower(), word.lower())
            spelling.setdefault(word.lower(), word)
        parent[root(term.lower())] = root(equivalent.lower())
    classes: dict[str, set[str]] = {}
    for key in parent:
        classes.setdefault(root(key), set()).add(key)
    return {
        key: {spelling[other] for other in classes[root(key)] if other != key} for key in parent
    }


def _quoted_mask(text: str) -> list[bool]:
    mask, inside = [], False
    for char in text:
        if char == '"':
            inside = not inside
        mask.append(inside)
    return mask


def build_query(text: str) -> SearchQuery | None:
    """One tsquery for `text` in websearch syntax, OR'ed with its synonym rewrites."""
    text = (text or "").strip()
    if not text:
        return None
    query = None
    for variant in query_variants(text):
        part = SearchQuery(variant, search_type="websearch", config=SEARCH_CONFIG)
        query = part if query is None else query | part
    return query
