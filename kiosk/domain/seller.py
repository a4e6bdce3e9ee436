"""The company that issues the invoices, as its documents show it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Seller:
    name: str
    tax_id: str
    address: str
    phone: str = ""
    email: str = ""
    logo: Path | None = None


@dataclass(frozen=True, slots=True)
class BankDetails:
    """Where customers who pay at a bank or by transfer send the money."""

    bank_name: str = ""
    account_holder: str = ""
    clabe: str = ""
    iban: str = ""
    bic: str = ""
    how_to_pay: str = ""
