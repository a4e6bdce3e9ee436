"""The cached invoices and customers as the kiosk's use cases read them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Protocol

from kiosk.domain.billing_preference import BillingPreference
from kiosk.domain.customer import Customer
from kiosk.domain.invoice import Invoice


class InvoiceStore(Protocol):
    """The local cache of invoices, customers and billing preferences."""

    def invoices_by_number(self, doc_num: int) -> list[Invoice]:
        """Return the invoices with this DocNum (several series may share one)."""
        ...

    def invoices_for_customer(
        self, customer_code: str, *, limit: int, offset: int = 0, with_lines: bool = True
    ) -> list[Invoice]:
        """Return a customer's invoices, newest posting date first (lines only if asked)."""
        ...

    def invoices_issued_since(self, day: date) -> list[Invoice]:
        """Invoices with a document date on or after a day, oldest first, without lines."""
        ...

    def open_invoices_for_customer(self, customer_code: str) -> list[Invoice]:
        """Return a customer's invoices SAP still has open, oldest due date first, no lines."""
        ...

    def customer(self, customer_code: str) -> Customer | None:
        """Return one customer by exact code."""
        ...

    def customers_by_tax_id(self, tax_id: str) -> list[Customer]:
        """Return customers whose tax ID matches, ignoring case, spaces and dashes."""
        ...

    def customers_known_as(self, who: str) -> list[Customer]:
        """Return, in one read, the customers whose code is `who` (as typed or in upper case)
        and those whose tax ID matches it, ordered by code."""
        ...

    def has_invoice(self, customer_code: str, doc_num: int) -> bool:
        """Whether the customer has an invoice with this DocNum (without reading it)."""
        ...

    def customers_by_name(self, text: str, *, limit: int) -> list[Customer]:
        """Return customers with a name word starting with each typed word (type-ahead)."""
        ...

    def billing_preference(self, customer_code: str) -> BillingPreference | None:
        """Return the customer's current billing preference, if one is registered."""
        ...

    def upsert_customers(self, customers: Iterable[Customer]) -> int:
        """Insert or replace customers by code; return how many were written."""
        ...

    def upsert_invoices(self, invoices: Iterable[Invoice]) -> int:
        """Insert or replace invoices (with their lines) by DocEntry; return how many."""
        ...
