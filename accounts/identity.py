"""One account per email address, whatever its spelling: the comparison key.

Two spellings are the same address when they agree after Unicode compatibility
normalisation (NFKC: "ﬁ" is "fi", "Ｓ" is "S", "ſ" is "s") and case folding. The key
also folds what PostgreSQL's upper() folds, so that no comparison in the database
(allauth's, Django's iexact) can find two accounts for one key: "ı" (dotless i) is
"i" here as it is there. The address as typed is kept for sending mail; the key is
only ever compared.
"""

import unicodedata


def email_key(address: str) -> str:
    """The comparison key of an email address (see the module docstring)."""
    text = unicodedata.normalize("NFKC", (address or "").strip())
    # upper() before casefold(): casefold leaves "ı" alone, upper() makes it "I".
    return unicodedata.normalize("NFKC", text.upper().casefold())
