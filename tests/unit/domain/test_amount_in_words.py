"""Amounts in words as Mexican invoices print them: apocopes, accents, "de" and the cents."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.domain.amount_in_words import LARGEST, amount_in_words

NOUNS = {"PESO", "PESOS", "MIL", "MILLÓN", "MILLONES"}


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("1234.50", "MXN", "UN MIL DOSCIENTOS TREINTA Y CUATRO PESOS 50/100 M.N."),
        ("1", "MXN", "UN PESO 00/100 M.N."),
        ("0.99", "MXN", "CERO PESOS 99/100 M.N."),
        ("0", "MXN", "CERO PESOS 00/100 M.N."),
        ("21", "MXN", "VEINTIÚN PESOS 00/100 M.N."),
        ("1000000", "MXN", "UN MILLÓN DE PESOS 00/100 M.N."),
        ("3000000", "MXN", "TRES MILLONES DE PESOS 00/100 M.N."),
        ("1000000000", "MXN", "UN MIL MILLONES DE PESOS 00/100 M.N."),
        ("2500000.10", "MXN", "DOS MILLONES QUINIENTOS MIL PESOS 10/100 M.N."),
        ("1001000", "MXN", "UN MILLÓN UN MIL PESOS 00/100 M.N."),
        ("100", "MXN", "CIEN PESOS 00/100 M.N."),
        ("101", "MXN", "CIENTO UN PESOS 00/100 M.N."),
        ("100000", "MXN", "CIEN MIL PESOS 00/100 M.N."),
        ("1001", "MXN", "UN MIL UN PESOS 00/100 M.N."),
        ("21000", "MXN", "VEINTIÚN MIL PESOS 00/100 M.N."),
        ("31031", "MXN", "TREINTA Y UN MIL TREINTA Y UN PESOS 00/100 M.N."),
        ("1234.50", "USD", "UN MIL DOSCIENTOS TREINTA Y CUATRO DÓLARES 50/100 USD"),
        ("1", "USD", "UN DÓLAR 00/100 USD"),
        ("1234.50", "EUR", "UN MIL DOSCIENTOS TREINTA Y CUATRO EUROS 50/100 EUR"),
        ("1234.50", "GBP", "UN MIL DOSCIENTOS TREINTA Y CUATRO 50/100 GBP"),
        ("21", "gbp", "VEINTIUNO 00/100 GBP"),  # no noun follows: the full "uno"
        ("21000000", "GBP", "VEINTIÚN MILLONES 00/100 GBP"),
        (
            "999999999999.99",
            "MXN",
            "NOVECIENTOS NOVENTA Y NUEVE MIL NOVECIENTOS NOVENTA Y NUEVE MILLONES "
            "NOVECIENTOS NOVENTA Y NUEVE MIL NOVECIENTOS NOVENTA Y NUEVE PESOS 99/100 M.N.",
        ),
    ],
)
def test_amounts_read_as_on_a_mexican_invoice(amount, currency, expected):
    assert amount_in_words(Decimal(amount), currency) == expected


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (11, "ONCE"), (15, "QUINCE"), (16, "DIECISÉIS"), (20, "VEINTE"), (22, "VEINTIDÓS"),
        (23, "VEINTITRÉS"), (26, "VEINTISÉIS"), (30, "TREINTA"), (45, "CUARENTA Y CINCO"),
        (99, "NOVENTA Y NUEVE"), (115, "CIENTO QUINCE"), (200, "DOSCIENTOS"),
        (500, "QUINIENTOS"), (700, "SETECIENTOS"), (900, "NOVECIENTOS"),
        (2000, "DOS MIL"), (500500, "QUINIENTOS MIL QUINIENTOS"),
    ],
)  # fmt: skip
def test_the_irregular_numbers(number, words):
    assert amount_in_words(Decimal(number), "MXN") == f"{words} PESOS 00/100 M.N."


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("0.005", "CERO PESOS 01/100 M.N."),
        ("0.004", "CERO PESOS 00/100 M.N."),
        ("0.995", "UN PESO 00/100 M.N."),
        ("20.999", "VEINTIÚN PESOS 00/100 M.N."),
        ("7.125", "SIETE PESOS 13/100 M.N."),
    ],
)
def test_cents_are_rounded_half_up(amount, expected):
    assert amount_in_words(Decimal(amount), "MXN") == expected


@pytest.mark.parametrize(
    "amount", ["-0.01", "-1", "1000000000000", "999999999999.995", "NaN", "Infinity"]
)
def test_negative_unreal_or_too_large_amounts_are_refused(amount):
    with pytest.raises(ValueError):
        amount_in_words(Decimal(amount), "MXN")


def test_the_largest_amount_is_accepted():
    assert amount_in_words(LARGEST, "MXN").endswith("PESOS 99/100 M.N.")


_VALUES = {
    **{word: n for n, word in enumerate(
        [
            "CERO", "UNO", "DOS", "TRES", "CUATRO", "CINCO", "SEIS", "SIETE", "OCHO", "NUEVE",
            "DIEZ", "ONCE", "DOCE", "TRECE", "CATORCE", "QUINCE", "DIECISÉIS", "DIECISIETE",
            "DIECIOCHO", "DIECINUEVE", "VEINTE", "VEINTIUNO", "VEINTIDÓS", "VEINTITRÉS",
            "VEINTICUATRO", "VEINTICINCO", "VEINTISÉIS", "VEINTISIETE", "VEINTIOCHO", "VEINTINUEVE"
        ]
    )},
    "UN": 1, "VEINTIÚN": 21, "TREINTA": 30, "CUARENTA": 40, "CINCUENTA": 50, "SESENTA": 60,
    "SETENTA": 70, "OCHENTA": 80, "NOVENTA": 90, "CIEN": 100, "CIENTO": 100,
    "DOSCIENTOS": 200, "TRESCIENTOS": 300, "CUATROCIENTOS": 400, "QUINIENTOS": 500,
    "SEISCIENTOS": 600, "SETECIENTOS": 700, "OCHOCIENTOS": 800, "NOVECIENTOS": 900,
}  # fmt: skip


def read_back(words: list[str]) -> int:
    """The number some Spanish words say, read independently of the code under test."""
    total = thousands = group = 0
    for word in words:
        if word == "Y":
            continue
        if word == "MIL":
            thousands += group * 1000
            group = 0
        elif word in ("MILLÓN", "MILLONES"):
            total += (thousands + group) * 1_000_000
            thousands = group = 0
        else:
            group += _VALUES[word]
    return total + thousands + group


@given(st.integers(min_value=0, max_value=999_999_999_999))
def test_the_words_say_the_number_with_un_before_nouns_and_uno_at_the_end(number):
    pesos = amount_in_words(Decimal(number), "MXN")
    bare = amount_in_words(Decimal(number), "XYZ")

    for text in (pesos, bare):
        assert text and text == text.strip() and "  " not in text
    spoken, _, cents = pesos.partition(" PESO")
    assert cents.endswith(" 00/100 M.N.")
    tokens = [token for token in spoken.split() if token != "DE"]
    assert read_back(tokens) == number
    following = [*pesos.split(), ""]
    for index, token in enumerate(following[:-1]):
        assert token not in ("UNO", "VEINTIUNO")
        if token in ("UN", "VEINTIÚN"):
            assert following[index + 1] in NOUNS
    assert ("PESO" in pesos.split()) is (number == 1)
    assert ("DE" in pesos.split()) is (number >= 1_000_000 and number % 1_000_000 == 0)
    bare_words = bare.split()[:-2]
    ends_in_one = number % 10 == 1 and number % 100 != 11
    assert (bare_words[-1] in ("UNO", "VEINTIUNO")) is ends_in_one
    assert read_back(bare_words) == number


@given(st.integers(min_value=0, max_value=99_999_999_999_999))
def test_any_number_of_cents_reads_as_two_digits(cents):
    text = amount_in_words(Decimal(cents).scaleb(-2), "USD")

    assert text.endswith(f" {cents % 100:02d}/100 USD")
