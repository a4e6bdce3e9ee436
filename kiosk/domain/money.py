"""Money: an exact Decimal amount in one ISO 4217 currency, with the currency's rounding."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from kiosk.domain.errors import CurrencyMismatch, InvalidValue

_CURRENCY_CODE = re.compile(r"[A-Z]{3}")

# ISO 4217 minor units that differ from the usual two decimals.
_MINOR_UNITS = {
    "BHD": 3, "CLP": 0, "IQD": 3, "ISK": 0, "JOD": 3, "JPY": 0, "KRW": 0, "KWD": 3,
    "LYD": 3, "OMR": 3, "PYG": 0, "TND": 3, "UGX": 0, "UYI": 0, "VND": 0, "XAF": 0, "XOF": 0,
}  # fmt: skip


def minor_units(currency: str) -> int:
    """Return how many decimals the currency's smallest unit has."""
    return _MINOR_UNITS.get(currency, 2)


@dataclass(frozen=True, slots=True, order=False)
class Money:
    """An amount of one currency; arithmetic across currencies is refused."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if type(self.amount) is not Decimal:
            raise InvalidValue(f"money amount must be a Decimal, got {type(self.amount).__name__}")
        if not self.amount.is_finite():
            raise InvalidValue(f"money amount must be finite, got {self.amount}")
        if not _CURRENCY_CODE.fullmatch(self.currency):
            raise InvalidValue(f"currency must be a three-letter ISO code, got {self.currency!r}")

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    @classmethod
    def of(cls, amount: str | int | Decimal, currency: str) -> Money:
        """Build money from a string or integer without passing through float."""
        if isinstance(amount, float):
            raise InvalidValue("money cannot be built from a float; pass a string or Decimal")
        return cls(Decimal(amount), currency)

    def rounded(self) -> Money:
        """Round half up to the currency's minor unit, as invoices and tax authorities do."""
        exponent = Decimal(1).scaleb(-minor_units(self.currency))
        return Money(self.amount.quantize(exponent, rounding=ROUND_HALF_UP), self.currency)

    def _same_currency(self, other: Money) -> None:
        if self.currency != other.currency:
            raise CurrencyMismatch(f"cannot combine {self.currency} with {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same_currency(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same_currency(other)
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        self._same_currency(other)
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        self._same_currency(other)
        return self.amount >= other.amount

    def times(self, factor: Decimal) -> Money:
        """Multiply by an exact factor (a quantity or a rate); the result is not rounded."""
        if type(factor) is not Decimal:
            raise InvalidValue("money can only be multiplied by a Decimal")
        return Money(self.amount * factor, self.currency)

    def is_zero(self) -> bool:
        return self.amount == 0

    def is_positive(self) -> bool:
        return self.amount > 0

    def __str__(self) -> str:
        return f"{self.rounded().amount:,} {self.currency}"
