"""Search text: what customers type matches despite accents, case, spaces and dashes."""

from __future__ import annotations

from kiosk.domain.search_text import fold, name_words, tax_id_key


def test_fold_removes_case_and_accents():
    assert fold("García ÑÚÑEZ Müller") == "garcia nunez muller"


def test_name_words_split_on_punctuation_and_drop_repeats():
    assert name_words("Peña y Peña, S.A. de C.V.") == ["pena", "y", "s", "a", "de", "c", "v"]
    assert name_words("  ") == []


def test_tax_id_key_ignores_case_spaces_and_dashes():
    assert tax_id_key("cpn-010101 ab1") == "CPN010101AB1"
    assert tax_id_key("ÑAB-850101-X1.2") == "ÑAB850101X12"
