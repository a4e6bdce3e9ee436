"""The language catalogue: every key in every language, the compiled files true to their sources,
and a missing text an error rather than a key shown to a customer."""

from __future__ import annotations

import re
import string
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from kiosk.bundled_files import resource_path
from kiosk.domain.billing_preference import BillingChannel
from kiosk.domain.delivery import DeliveryChannel, DeliveryState
from kiosk.domain.invoice import InvoiceStatus
from kiosk.domain.outbox import KINDS
from kiosk.domain.staff import Role
from kiosk.language.catalogue import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    MissingText,
    Texts,
    UnknownLanguage,
    message_file,
    next_language,
)

ROOT = Path(__file__).parents[3]
LOCALE = resource_path("locale")


def source_messages(language: str) -> dict[str, str]:
    """The messages of a language's .po file, key to text (the header left out)."""
    with (LOCALE / language / "LC_MESSAGES" / "kiosk.po").open("rb") as file:
        catalog = read_po(file, locale=language)
    return {message.id: message.string for message in catalog if message.id}


def compiled_messages(language: str) -> dict[str, str]:
    with message_file(language).open("rb") as file:
        catalog = read_mo(file)
    return {message.id: message.string for message in catalog if message.id}


def test_the_languages_are_the_catalogues_folders_spanish_first():
    folders = {path.name for path in LOCALE.iterdir() if path.is_dir()}

    assert set(LANGUAGES) == folders
    assert DEFAULT_LANGUAGE == LANGUAGES[0] == "es"


def test_every_key_has_a_text_in_every_language():
    keys = {language: source_messages(language) for language in LANGUAGES}
    spanish = set(keys[DEFAULT_LANGUAGE])

    assert len(spanish) > 150
    for language, messages in keys.items():
        assert set(messages) == spanish, f"{language}: keys differ from {DEFAULT_LANGUAGE}"
        untranslated = [key for key, text in messages.items() if not text.strip()]
        assert untranslated == [], f"{language}: no text for {untranslated}"


def test_the_committed_message_files_are_compiled_from_their_sources():
    for language in LANGUAGES:
        assert compiled_messages(language) == source_messages(language), (
            f"resources/locale/{language}/LC_MESSAGES/kiosk.mo is out of date: "
            "run .venv/bin/python build_scripts/compile_translations.py"
        )


def test_a_text_takes_the_same_values_in_every_language():
    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}

    spanish = source_messages(DEFAULT_LANGUAGE)
    for language in LANGUAGES:
        for key, text in source_messages(language).items():
            assert fields(text) == fields(spanish[key]), f"{language} {key!r}: other placeholders"


def test_texts_come_from_the_compiled_files():
    assert Texts("es")["find"] == "Consultar mis facturas"
    assert Texts("en")["find"] == "Find my invoices"
    assert Texts("es").format("hello", name="Ana") == "Hola, Ana"
    assert Texts("en")["document_invoice"] == "INVOICE"
    assert Texts("es")["invoice_email_file"].format(number=7) == "Factura-7.pdf"


def test_a_missing_key_fails_loudly_and_only_get_has_a_default():
    texts = Texts("es")

    with pytest.raises(MissingText, match="no_such_key"):
        texts["no_such_key"]
    with pytest.raises(MissingText):
        texts.format("no_such_key", name="x")
    assert texts.get("no_such_key", "fallback") == "fallback"
    assert texts.get("find", "fallback") == "Consultar mis facturas"


def test_an_unknown_language_is_refused():
    with pytest.raises(UnknownLanguage, match="'fr'"):
        Texts("fr")


def test_the_language_switch_goes_through_every_language_and_back():
    seen = [DEFAULT_LANGUAGE]
    while (following := next_language(seen[-1])) != DEFAULT_LANGUAGE:
        seen.append(following)

    assert seen == list(LANGUAGES)


def test_every_key_the_code_names_is_in_the_catalogue():
    named = set()
    lookup = re.compile(r"""(?:texts|words)(?:\[|\.format\(|\.get\()\s*["'](\w+)["']""")
    for module in (ROOT / "kiosk").rglob("*.py"):
        named |= set(lookup.findall(module.read_text(encoding="utf-8")))
    # The keys the code builds from a state, role or channel.
    named |= {f"status_{status.value}" for status in InvoiceStatus}
    named |= {f"role_{role.value}" for role in Role}
    named |= {f"channel_{channel.value.lower()}" for channel in BillingChannel}
    named |= {f"channel_{channel.value}" for channel in DeliveryChannel}
    named |= {f"delivery_state_{state.value}" for state in DeliveryState}
    catalogue = set(source_messages(DEFAULT_LANGUAGE))

    assert len(named) > 100
    assert sorted(named - catalogue) == []


def test_the_catalogue_needs_neither_qt_nor_babel_at_run_time():
    script = (
        "import sys\n"
        "from kiosk.language.catalogue import LANGUAGES, Texts\n"
        "assert all(Texts(language)['find'] for language in LANGUAGES)\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('PySide6', 'shiboken6', 'babel'))))\n"
    )

    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )

    assert result.stdout.strip() == ""


@pytest.mark.parametrize("language", LANGUAGES)
def test_staff_can_read_every_kind_of_change_waiting_for_sap(language: str):
    """The sync tab names each outbox entry by its kind: a kind without a text would break it."""
    texts = Texts(language)

    assert all(texts[f"staff_kind_{kind}"] for kind in KINDS)
