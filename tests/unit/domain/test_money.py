"""Money: exact amounts, the currency's rounding, and refusal to mix currencies."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kiosk.domain.errors import CurrencyMismatch, InvalidValue
from kiosk.domain.money import Money, minor_units


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("2.345", "MXN", "2.35"),
        ("2.344", "MXN", "2.34"),
        ("-2.345", "MXN", "-2.35"),
        ("0.005", "USD", "0.01"),
        ("1234.5", "MXN", "1234.50"),
        ("99.5", "JPY", "100"),
        ("1.2345", "KWD", "1.235"),
    ],
)
def test_rounds_half_up_to_the_currency_minor_unit(amount: str, currency: str, expected: str):
    rounded = Money.of(amount, currency).rounded()

    assert str(rounded.amount) == expected
    assert rounded.currency == currency


def test_sums_stay_exact_where_floats_drift():
    total = Money.zero("MXN")
    for _ in range(10):
        total = total + Money.of("0.10", "MXN")

    assert total == Money.of("1.00", "MXN")
    assert sum([0.1] * 10) != 1.0  # the float path this type exists to avoid


def test_subtraction_and_negation():
    assert Money.of("10.00", "MXN") - Money.of("2.50", "MXN") == Money.of("7.50", "MXN")
    assert -Money.of("3", "USD") == Money.of("-3", "USD")


@pytest.mark.parametrize(
    "operation",
    [
        lambda a, b: a + b,
        lambda a, b: a - b,
        lambda a, b: a < b,
        lambda a, b: a >= b,
    ],
)
def test_refuses_to_combine_currencies(operation):
    with pytest.raises(CurrencyMismatch, match="MXN with USD"):
        operation(Money.of("1", "MXN"), Money.of("1", "USD"))


def test_comparisons_within_one_currency():
    small, large = Money.of("1.00", "MXN"), Money.of("1.01", "MXN")

    assert small < large and large > small
    assert small <= Money.of("1", "MXN") <= large


def test_refuses_floats_and_bad_currency_codes():
    with pytest.raises(InvalidValue, match="Decimal"):
        Money(1.5, "MXN")  # type: ignore[arg-type]
    with pytest.raises(InvalidValue, match="float"):
        Money.of(1.5, "MXN")  # type: ignore[arg-type]
    with pytest.raises(InvalidValue, match="three-letter"):
        Money.of("1", "$")
    with pytest.raises(InvalidValue, match="finite"):
        Money(Decimal("NaN"), "MXN")


def test_times_keeps_full_precision_until_rounded():
    price = Money.of("33.33", "MXN")

    tripled = price.times(Decimal("0.16"))

    assert tripled.amount == Decimal("5.3328")
    assert tripled.rounded().amount == Decimal("5.33")
    with pytest.raises(InvalidValue):
        price.times(0.16)  # type: ignore[arg-type]


def test_text_shows_rounded_amount_with_thousands_and_code():
    assert str(Money.of("1234567.891", "MXN")) == "1,234,567.89 MXN"
    assert minor_units("CLP") == 0 and minor_units("MXN") == 2
