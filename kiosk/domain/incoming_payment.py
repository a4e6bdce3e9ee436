"""A payment SAP recorded against a customer's invoices (an incoming payment)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from kiosk.domain.money import Money


@dataclass(frozen=True, slots=True)
class PaymentAllocation:
    """The part of a payment applied to one invoice, in the payment's currency."""

    invoice_doc_entry: int
    amount: Decimal


@dataclass(frozen=True, slots=True)
class IncomingPayment:
    """A customer payment as SAP recorded it; the kiosk reads it to refresh amounts due."""

    doc_entry: int
    doc_num: int
    customer_code: str
    payment_date: date
    amount: Money
    reference: str | None
    cancelled: bool
    allocations: tuple[PaymentAllocation, ...] = ()

    @property
    def invoice_doc_entries(self) -> tuple[int, ...]:
        """The invoices this payment pays, in allocation order."""
        return tuple(allocation.invoice_doc_entry for allocation in self.allocations)
