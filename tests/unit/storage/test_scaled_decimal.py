"""Stored millionths: every amount with up to six decimals goes and comes back exactly."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.storage.scaled_decimal import from_scaled, to_scaled

AMOUNTS = st.decimals(
    min_value=Decimal("-999999999999.999999"),
    max_value=Decimal("999999999999.999999"),
    places=6,
    allow_nan=False,
    allow_infinity=False,
)


@given(AMOUNTS)
def test_six_decimals_go_and_come_back_exactly(value: Decimal) -> None:
    scaled = to_scaled(value)

    assert scaled == value * 1_000_000  # exact: an int equal to the Decimal's millionths
    assert from_scaled(scaled) == value


@pytest.mark.parametrize("text", ["1E+3", "-0.00", "232.00", "0.000001", "16"])
def test_every_spelling_of_a_number_is_stored_by_value(text: str) -> None:
    assert to_scaled(Decimal(text)) == int(Decimal(text) * 1_000_000)


@pytest.mark.parametrize("text", ["0.1234567", "1E-7", "NaN", "Infinity"])
def test_what_cannot_be_stored_exactly_is_refused(text: str) -> None:
    with pytest.raises((ValueError, OverflowError)):
        to_scaled(Decimal(text))
