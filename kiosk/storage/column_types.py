"""Portable column types: exact decimals stored as scaled integers that sum exactly anywhere."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Dialect
from sqlalchemy.types import TypeDecorator

# SAP Business One keeps at most six decimals for prices, rates and quantities.
SCALE = 6
_TWO_PLACES = Decimal("0.01")


class ExactDecimal(TypeDecorator[Decimal]):
    """A Decimal with up to six decimals, stored as an integer count of millionths.

    SQLite has no exact decimal type (NUMERIC becomes a float), so amounts are stored as
    integers; they stay exact in sums and comparisons on SQLite and PostgreSQL alike.
    """

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        return None if value is None else to_scaled(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return from_scaled(int(value))


_ONE_MILLION = Decimal(10**SCALE)


def to_scaled(value: Decimal) -> int:
    """Turn a Decimal into stored millionths, refusing to round anything away."""
    scaled = value * _ONE_MILLION
    integral = int(scaled)
    if integral != scaled:
        raise ValueError(f"{value} has more than {SCALE} decimals and cannot be stored exactly")
    return integral


def from_scaled(value: int) -> Decimal:
    """Turn stored millionths back into a Decimal with at least two decimals."""
    exact = Decimal(value).scaleb(-SCALE)
    two_places = exact.quantize(_TWO_PLACES)
    return two_places if two_places == exact else exact.normalize()
