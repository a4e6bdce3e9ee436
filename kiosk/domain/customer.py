"""A customer (SAP business partner) as the kiosk knows it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Address:
    """A postal address as printed on an invoice."""

    street: str | None = None
    city: str | None = None
    zip_code: str | None = None
    state: str | None = None
    country: str | None = None

    def lines(self) -> list[str]:
        """Return the non-empty parts as printable lines."""
        city_line = " ".join(part for part in (self.zip_code, self.city) if part)
        parts = [self.street, city_line, self.state, self.country]
        return [part for part in parts if part]


@dataclass(frozen=True, slots=True)
class Customer:
    """A business partner that receives invoices."""

    code: str
    name: str
    tax_id: str | None = None
    email: str | None = None
    phone: str | None = None
    address: Address = Address()
