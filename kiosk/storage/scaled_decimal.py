"""Exact decimals stored as integer millionths, which every database sums and compares exactly.

SQLite has no exact decimal type (NUMERIC becomes a float), so amounts, prices, quantities and
rates are stored as BIGINT counts of millionths, converted by the mapping in both directions.
"""

from __future__ import annotations

from decimal import Decimal

# SAP Business One keeps at most six decimals for prices, rates and quantities.
SCALE = 6
_MILLIONTHS: int = 10**SCALE
_HUNDREDTHS = 10 ** (SCALE - 2)


def to_scaled(value: Decimal) -> int:
    """Turn a Decimal into stored millionths, refusing to round anything away."""
    # Integer arithmetic on the exact ratio: a third faster than Decimal operations, and a sync
    # converts some thirty amounts per invoice.
    numerator, denominator = value.as_integer_ratio()
    if denominator == 1:  # whole amounts and quantities, the most common by far
        return numerator * _MILLIONTHS
    per_unit, remainder = divmod(_MILLIONTHS, denominator)
    if remainder:
        raise ValueError(f"{value} has more than {SCALE} decimals and cannot be stored exactly")
    return numerator * per_unit


def from_scaled(value: int) -> Decimal:
    """Turn stored millionths back into a Decimal, with two decimals when no more are needed."""
    if value % _HUNDREDTHS == 0:
        return Decimal(value // _HUNDREDTHS).scaleb(-2)
    return Decimal(value).scaleb(-SCALE).normalize()
