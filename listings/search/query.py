"""The words of a search: websearch syntax (quotes, -word, or) with admin-kept
synonyms, as one PostgreSQL tsquery."""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchQuery
from django.db.models import Func, IntegerField, Q, Value
from django.db.models.lookups import IsNull

from .catalogue import get_catalogue

SEARCH_CONFIG = "labjobs"  # english stemming + unaccent (migration 0007)
MAX_VARIANTS = 16


def synonym_pairs() -> list[tuple[str, str]]:
    return get_catalogue().synonyms


@functools.lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """Accent- and case-blind form of a word or phrase ("Phlébotomy" -> "phlebotomy"),
    as the database compares them (the `labjobs` config unaccents). Kept for the
    names that every search compares (cities, states, institutions)."""
    return _fold_with_positions(text)[0]


def _fold_with_positions(text: str) -> tuple[str, list[int]]:
    """`text` folded, and for each folded character the index of the character of
    `text` it came from (plus one past the end), to map matches back."""
    folded, origin = [], []
    for index, char in enumerate(text):
        decomposed = unicodedata.normalize("NFKD", char)
        base = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
        for piece in base:
            folded.append(piece)
            origin.append(index)
    origin.append(len(text))
    return "".join(folded), origin


def _negated(text: str, start: int) -> bool:
    """Is the word or phrase at `start` negated in websearch syntax ("-word" or
    '-"a phrase"', at the start of a token)?"""
    if start > 0 and text[start - 1] == '"':
        start -= 1
    return start > 0 and text[start - 1] == "-" and (start == 1 or not text[start - 2].isalnum())


def query_variants(text: str, pairs: list[tuple[str, str]] | None = None) -> list[str]:
    """`text` and its rewrites with each synonym swapped in, e.g. "blood draw clinic"
    -> ["blood draw clinic", "phlebotomy clinic"], comparing spellings without accents
    or case, as the database does. A negated word takes its synonyms with it ("-RA"
    -> '-RA -"research assistant"'); a multi-word replacement outside quotes becomes a
    quoted phrase."""
    pairs = synonym_pairs() if pairs is None else pairs
    return list(_variants(text, tuple(pairs)))


# A slash between two words ("BLS/CPR", "MD/PhD"): PostgreSQL's parser reads the
# whole as one token (a path), listings' certifications as two words (migration 0036)
_SLASH = re.compile(r"(?<=\w)(?<!\bor)/(?!or\b)(?=\w)")


@functools.lru_cache(maxsize=1024)
def _variants(text: str, pairs: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
    """query_variants, kept for the synonyms they were found with: a search asks for
    its variants about ten times (its query, ranking, headlines, phrases), 0.15 ms
    each. Words joined by a slash count as one token, as typed, or as the words apart
    with their synonyms ("bls/cpr" finds "BLS/CPR" as one token in a description, and
    "bls" and "cpr" or "basic life support" elsewhere)."""
    apart = _SLASH.sub(" ", text)
    if apart == text:
        return _swapped_in(text, pairs)
    as_typed = _expand_negations(text, _equivalence_classes(pairs))
    return (as_typed, *(variant for variant in _swapped_in(apart, pairs) if variant != as_typed))


def _swapped_in(text: str, pairs: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
    """`text` and its rewrites with each synonym swapped in (query_variants)."""
    alternatives = _equivalence_classes(pairs)
    text = _expand_negations(text, alternatives)
    spots = []  # (start, end, [replacements])
    in_quotes = _quoted_mask(text)
    negated_phrases = _negated_phrases(text)
    for start, end, phrase in _matches(text, alternatives):
        if _negated(text, start) or _within(negated_phrases, start):
            continue  # already expanded: every form is excluded in every variant
        quoted = in_quotes[start]
        options = [
            alt if quoted or " " not in alt else f'"{alt}"' for alt in sorted(alternatives[phrase])
        ]
        spots.append((start, end, options))
    return (text, *_rewrites(text, spots))


def _rewrites(text: str, spots: list[tuple[int, int, list[str]]]) -> list[str]:
    """`text` with a replacement at one or more of its spots (start, end, options),
    every combination but none at all, at most MAX_VARIANTS - 1 of them."""
    choices = [[None, *options] for _, _, options in spots]
    rewrites = []
    for combination in itertools.islice(itertools.product(*choices), 1, MAX_VARIANTS):
        pieces, cursor = [], 0
        for (start, end, _), replacement in zip(spots, combination, strict=True):
            pieces.append(text[cursor:start])
            pieces.append(text[start:end] if replacement is None else replacement)
            cursor = end
        pieces.append(text[cursor:])
        rewrites.append("".join(pieces))
    return rewrites


def _matches(text: str, alternatives: dict[str, set[str]]):
    """(start, end, folded phrase) of each synonym in `text`, whole words only, longest
    phrases first ("blood draw" wins over "blood"), without overlaps, in order."""
    folded, origin = _fold_with_positions(text)
    taken = [False] * len(text)
    found = []
    for phrase in sorted(alternatives, key=len, reverse=True):
        for match in re.finditer(rf"(?<!\w){re.escape(phrase)}(?!\w)", folded):
            start, end = origin[match.start()], origin[match.end() - 1] + 1
            if any(taken[start:end]):
                continue
            if start > 0 and text[start - 1] == "-" and not _negated(text, start):
                continue  # part of a hyphenated word ("x-ray")
            found.append((start, end, phrase))
            for i in range(start, end):
                taken[i] = True
    return sorted(found)


_NEGATED_PHRASE = re.compile(r'(?<![\w-])-"[^"]*"?')


def _negated_phrases(text: str) -> list[tuple[int, int]]:
    """(start, end) of each negated quoted phrase ('-"sample preparation"'; one left
    open runs to the end, as websearch reads it)."""
    return [match.span() for match in _NEGATED_PHRASE.finditer(text)]


def _within(spans: list[tuple[int, int]], position: int) -> bool:
    return any(start <= position < end for start, end in spans)


def _expand_negations(text: str, alternatives: dict[str, set[str]]) -> str:
    """ "-phlebotomy" -> '-phlebotomy -phlebotomist -"blood draw"': excluding a word
    excludes what it means; '-"sample preparation"' also excludes '-"specimen
    preparation"' (each synonym inside a negated phrase swapped in)."""
    phrases = _negated_phrases(text)
    additions = []  # (where, what closes a phrase left open, the negated forms to add)
    for start, end, phrase in _matches(text, alternatives):
        if _negated(text, start) and not _within(phrases, start):
            additions.append((end, "", sorted(alternatives[phrase])))
    for start, end in phrases:
        closed = text[end - 1] == '"' and end - start > 2
        forms = _swapped(text[start + 2 : end - 1 if closed else end], alternatives)
        if forms:
            additions.append((end, "" if closed else '"', forms))
    pieces, cursor = [], 0
    for end, closing, forms in sorted(additions):
        words = " ".join(f'-"{form}"' if " " in form else f"-{form}" for form in forms)
        pieces.append(f"{text[cursor:end]}{closing} {words}")
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)


def _swapped(phrase: str, alternatives: dict[str, set[str]]) -> list[str]:
    """`phrase` with its synonyms swapped in, each way but the phrase itself."""
    found = _matches(phrase, alternatives)
    spots = [(start, end, sorted(alternatives[synonym])) for start, end, synonym in found]
    return [rewrite.strip() for rewrite in _rewrites(phrase, spots)]


@functools.lru_cache(maxsize=8)
def _equivalence_classes(pairs: tuple[tuple[str, str], ...]) -> dict[str, set[str]]:
    """Each word or phrase (folded: no accents, no case) -> every other one it is
    linked to, directly or through others ("blood draw" = "phlebotomy" =
    "phlebotomist"), as admins spelled them."""
    parent: dict[str, str] = {}
    spelling: dict[str, str] = {}

    def root(key: str) -> str:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for term, equivalent in pairs:
        for word in (term, equivalent):
            parent.setdefault(fold(word), fold(word))
            spelling.setdefault(fold(word), word)
        parent[root(fold(term))] = root(fold(equivalent))
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


def without_ends(words: list[str], dropped) -> list[str]:
    """`words` without those at either end for which `dropped(word)` is true: a joining
    word left at an end once the words around it went ("research and" -> "research")."""
    start, end = 0, len(words)
    while start < end and dropped(words[start]):
        start += 1
    while end > start and dropped(words[end - 1]):
        end -= 1
    return words[start:end]


def build_query(text: str, pairs: list[tuple[str, str]] | None = None) -> SearchQuery | None:
    """One tsquery for `text` in websearch syntax, OR'ed with its synonym rewrites
    (by the admins' synonyms, or `pairs`)."""
    text = (text or "").strip()
    if not text:
        return None
    query = None
    for variant in query_variants(text, pairs):
        part = SearchQuery(variant, search_type="websearch", config=SEARCH_CONFIG)
        query = part if query is None else query | part
    return query


def synonym_phrases(text: str) -> list[tuple[int, int]]:
    """(start, end) of each synonym of several words in `text` ("lab tech"), whole
    words, neither quoted nor negated: search.suggest checks it as one word."""
    alternatives = _equivalence_classes(tuple(synonym_pairs()))
    in_quotes = _quoted_mask(text)
    return [
        (start, end)
        for start, end, phrase in _matches(text, alternatives)
        if " " in phrase and not in_quotes[start] and not _negated(text, start)
    ]


def synonym_group_queries(pairs: list[tuple[str, str]]) -> list[SearchQuery]:
    """For each word of the synonyms `pairs` and each phrase, quoted, the query a
    search for it alone ranks headlines on (headline_query: it or any synonym), for
    models/headline.py to keep each group's best headlines. (Unquoted words are
    or-ed in headline_query: "lab tech" ranks headlines on "lab or tech".)"""
    members = {fold(word) for pair in pairs for word in pair}
    texts = sorted(f'"{member}"' if " " in member else member for member in members)
    return [build_query(text, pairs) for text in texts]


_TOKEN = re.compile(r'-?"[^"]*"?|\S+')


def _wanted_tokens(text: str) -> list[str]:
    """The words and quoted phrases of `text` that are not negated (with "or")."""
    wanted = []
    for token in _TOKEN.findall(text or ""):
        if token.startswith("-"):
            continue
        if token.startswith('"'):
            token = token if token.endswith('"') and len(token) > 1 else token + '"'
        wanted.append(token)
    return wanted


def has_or(text: str) -> bool:
    """Whether `text` joins words with websearch's "or" (outside quotes)."""
    return any(token.lower() == "or" for token in _TOKEN.findall(text or ""))


def rank_query(text: str) -> SearchQuery | None:
    """What the results of `text` are ranked on: its wanted words, without the negated
    ones ("research -volunteer" ranks as "research"). Every result lacks the negated
    words anyway, and PostgreSQL's ts_rank of a query with a negation gives
    near-zero ranks (1e-21) that order results by noise."""
    return build_query(" ".join(_wanted_tokens(text)))


class _PhrasePairs(Func):
    """The hashed pairs of adjacent words a phrase's listings have (migration 0024)."""

    function = "listings_phrase_pairs"
    output_field = ArrayField(IntegerField())


def phrase_filter(text: str) -> Q | None:
    """A condition that the listings matching the quoted phrases of `text` meet, which
    the pairs index answers at once: the listings with each phrase's pairs of adjacent
    words (in every synonym variant, one of them). The exact phrase check then runs on
    those only. None when the search has no phrase in every variant or has "or"."""
    text = (text or "").strip()
    if '"' not in text:
        return None
    condition = None
    for variant in query_variants(text):
        if has_or(variant):
            return None
        tokens = _TOKEN.findall(variant)
        phrases = [t.strip('"').strip() for t in tokens if t.startswith('"')]
        phrases = [phrase for phrase in phrases if " " in phrase]
        if not phrases:
            return None  # this variant matches without a phrase
        every = Q()
        for phrase in phrases:
            pairs = _PhrasePairs(Value(SEARCH_CONFIG), Value(phrase))
            # No pairs (words apart: "sample of preparation"): nothing to look up. The
            # function is immutable: PostgreSQL folds this to one side when planning.
            every &= Q(IsNull(pairs, True)) | Q(phrase_pairs__contains=pairs)
        condition = every if condition is None else condition | every
    return condition


class _RepeatedPhrasePairs(Func):
    """The hashed pairs a listing has when it repeats a phrase (migration 0035)."""

    function = "listings_phrase_pairs_repeated"
    output_field = ArrayField(IntegerField())


def wanted_phrases(text: str) -> list[str]:
    """The wanted quoted phrases of several words in `text`, each in every form its
    synonyms give ('"sample preparation"' -> "sample preparation", "specimen
    preparation")."""
    phrases = []
    for token in _wanted_tokens(text):
        if token.startswith('"'):
            for variant in query_variants(token):
                phrase = variant.strip('"').strip()
                if " " in phrase and phrase not in phrases:
                    phrases.append(phrase)
    return phrases


def repeated_phrase_filter(phrases: list[str], times: int) -> Q | None:
    """A condition that the listings with one of `phrases` at least `times` times (2
    to 4) meet, which the pairs index answers: each of its pairs of adjacent words
    found that often. A hash shared by two pairs can only let a listing through."""
    condition = None
    for phrase in phrases:
        pairs = _RepeatedPhrasePairs(Value(SEARCH_CONFIG), Value(phrase), Value(times))
        part = Q(phrase_pairs__contains=pairs)
        condition = part if condition is None else condition | part
    return condition


def several_words(text: str) -> bool:
    """Whether `text` wants more than one word or phrase ("patient consent"), or a
    phrase its headlines are ranked on the words of (headline_query): how many
    headlines have them all then tells whether the headlines hold its best matches
    (search.ranking)."""
    wanted = [token for token in _wanted_tokens(text) if token.lower() != "or"]
    return len(wanted) > 1 or any(_ranked_on_its_words(token) for token in wanted)


def _ranked_on_its_words(token: str) -> bool:
    """Whether a wanted token is a quoted phrase of several words that is no synonym
    (headline_query)."""
    phrase = token.strip('"').strip()
    synonyms = _equivalence_classes(tuple(synonym_pairs()))
    return token.startswith('"') and " " in phrase and fold(phrase) not in synonyms


def headline_query(text: str) -> SearchQuery | None:
    """What a listing's headline (title and role types) is ranked on for `text`: any
    of its wanted words or phrases ("blood specimen" -> "blood or specimen"), with
    their synonyms (see models/headline.py). A quoted phrase that is no synonym counts
    as its words and the words of its synonyms' forms ('"sample preparation"' ->
    "sample or preparation or specimen"): ts_rank scores a listing for each of them
    in its title, not only for the phrase there ("Lab Technician: samples,
    specimens" is among the best for it). A synonym ('"blood draw"') keeps its
    group's headlines (HeadlineGroup), which score as its words do."""
    wanted, phrase_words = [], {}  # the phrases' words folded: as typed
    for token in _wanted_tokens(text):
        if _ranked_on_its_words(token):
            # Its forms hold its synonyms already: its words are not swapped again
            for word in itertools.chain.from_iterable(
                variant.strip('"').split() for variant in query_variants(token)
            ):
                phrase_words.setdefault(fold(word), word)
        elif token.lower() != "or":
            wanted.append(token)
    query = build_query(" or ".join(wanted))
    if phrase_words:
        of_phrases = build_query(" or ".join(phrase_words.values()), pairs=[])
        query = of_phrases if query is None else query | of_phrases
    return query
