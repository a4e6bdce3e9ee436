"""How typed text is normalised so that lookups forgive case, accents, spaces and dashes."""

from __future__ import annotations

import re
import unicodedata

_NOT_WORD = re.compile(r"[^0-9a-z]+")
_TAX_ID_NOISE = re.compile(r"[\s\-._]+")


def fold(text: str) -> str:
    """Lower-case and strip accents: 'García Ñúñez' -> 'garcia nunez'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def name_words(name: str) -> list[str]:
    """Split a name into folded words for type-ahead, without duplicates, in order."""
    words = [word for word in _NOT_WORD.split(fold(name)) if word]
    return list(dict.fromkeys(words))


def tax_id_key(tax_id: str) -> str:
    """Normalise a tax ID (RFC, RUT, NIT ...) for matching: upper case, no spaces or dashes."""
    return _TAX_ID_NOISE.sub("", tax_id).upper()
