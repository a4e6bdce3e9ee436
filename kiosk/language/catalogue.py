"""The one catalogue of the kiosk's words: gettext message files, each text looked up by its key.

The messages live in resources/locale/<language>/LC_MESSAGES/kiosk.po, compiled by Babel into
the kiosk.mo beside it (build_scripts/compile_translations.py); at run time only the standard
library's gettext reads the .mo. Every message id is a key ("find", "document_invoice"), and a
key a language lacks is an error, never the key shown to a customer.
"""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path
from typing import Literal, get_args

from kiosk.bundled_files import resource_path

Language = Literal["es", "en"]
"""The languages the kiosk speaks, each with its own message file."""
LANGUAGES: tuple[Language, ...] = get_args(Language)
DEFAULT_LANGUAGE: Language = LANGUAGES[0]  # Spanish first (Mexico and Latin America)
DOMAIN = "kiosk"


class MissingText(KeyError):
    """The catalogue of a language has no text for a key."""


class UnknownLanguage(ValueError):
    """A language the catalogue does not have."""


def message_file(language: str) -> Path:
    """The compiled message file of a language (it may not exist for an unknown one)."""
    return resource_path("locale", language, "LC_MESSAGES", f"{DOMAIN}.mo")


class Texts:
    """The words of one language: `texts["find"]`, `texts.format("hello", name=...)`."""

    def __init__(self, language: str) -> None:
        self.language: Language = _known(language)
        self._messages = _translations(self.language)

    def __getitem__(self, key: str) -> str:
        return self._messages.gettext(key)

    def get(self, key: str, default: str) -> str:
        """The text of `key`, or `default` where the catalogue has none (an optional text)."""
        try:
            return self[key]
        except MissingText:
            return default

    def format(self, key: str, **values: object) -> str:
        return self[key].format(**values)


def next_language(language: str) -> Language:
    """The language after this one in the catalogue's list (the welcome screen's switch)."""
    languages = list(LANGUAGES)
    return languages[(languages.index(_known(language)) + 1) % len(languages)]


def _known(language: str) -> Language:
    for known in LANGUAGES:
        if language == known:
            return known
    raise UnknownLanguage(f"no texts in {language!r}; the kiosk speaks {', '.join(LANGUAGES)}")


class _NoText(gettext.NullTranslations):
    """The last resort of a language's translations: a key it lacks fails loudly."""

    def __init__(self, language: str) -> None:
        super().__init__()
        self._language = language

    def gettext(self, message: str) -> str:
        raise MissingText(f"no {self._language!r} text for {message!r} in the catalogue")


@cache
def _translations(language: Language) -> gettext.GNUTranslations:
    """A language's messages, read once per process."""
    with message_file(language).open("rb") as file:
        translations = gettext.GNUTranslations(file)
    translations.add_fallback(_NoText(language))
    return translations
