"""The Protocols through which services reach storage, SAP and the clock, and what crosses them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Generic, Protocol, TypeVar

from kiosk.domain.billing_preference import BillingChannel, BillingPreference
from kiosk.domain.customer import Customer
from kiosk.domain.invoice import Invoice

T = TypeVar("T")


class InvoiceStore(Protocol):
    """The local cache of invoices, customers and billing preferences."""

    def invoices_by_number(self, doc_num: int) -> list[Invoice]:
        """Return the invoices with this DocNum (several series may share one)."""
        ...

    def invoices_for_customer(
        self, customer_code: str, *, limit: int, offset: int = 0
    ) -> list[Invoice]:
        """Return a customer's invoices, newest posting date first."""
        ...

    def open_invoices_for_customer(self, customer_code: str) -> list[Invoice]:
        """Return a customer's invoices SAP still has open, oldest due date first."""
        ...

    def customer(self, customer_code: str) -> Customer | None:
        """Return one customer by exact code."""
        ...

    def customers_by_tax_id(self, tax_id: str) -> list[Customer]:
        """Return customers whose tax ID matches, ignoring case, spaces and dashes."""
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


class Clock(Protocol):
    """Today's date where the kiosk stands (injectable for tests)."""

    def today(self) -> date: ...


@dataclass(frozen=True, slots=True)
class Pulled(Generic[T]):
    """A record read from SAP with what sync needs to place it in time.

    `updated_at` is SAP's UpdateDate and UpdateTime (server-local, None where SAP has none);
    `data_version` is SAP's DataVersion, which grows with every change of the record.
    """

    value: T
    updated_at: datetime | None
    data_version: int | None


@dataclass(frozen=True, slots=True)
class SapCustomer:
    """A business partner with the billing preference fields SAP holds for it."""

    customer: Customer
    billing_channel: BillingChannel | None
    billing_email: str | None
