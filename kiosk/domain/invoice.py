"""A customer invoice as SAP Business One issued it, and what the kiosk derives from it."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from kiosk.domain.errors import InvalidValue
from kiosk.domain.money import Money


class SapDocumentStatus(enum.Enum):
    """SAP's own document status: open until paid, closed by hand or cancelled."""

    OPEN = "open"
    CLOSED = "closed"


class InvoiceStatus(enum.Enum):
    """What the customer sees: one status derived from totals, due date and today."""

    OPEN = "open"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"
    OVERDUE = "overdue"
    CANCELLED = "cancelled"


class InvoiceLine(NamedTuple):
    """One line of an invoice; amounts are in the invoice's currency, before tax.

    A named tuple rather than a frozen dataclass: a first download builds a quarter of a million
    of them, and a named tuple is several times faster to build (README, Benchmarks).
    """

    line_number: int
    item_code: str | None
    description: str
    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal
    tax_code: str | None
    tax_percent: Decimal
    tax_amount: Decimal
    line_total: Decimal


@dataclass(frozen=True, slots=True)
class Invoice:
    """An A/R invoice; SAP owns it, the kiosk only caches and shows it.

    Lists of invoices are read without their lines (`lines` is empty); an invoice opened by its
    number or key always carries them.
    """

    doc_entry: int
    doc_num: int
    customer_code: str
    customer_name: str
    customer_tax_id: str | None
    posting_date: date
    due_date: date
    document_date: date
    currency: str
    net_total: Money
    tax_total: Money
    total: Money
    paid_to_date: Money
    sap_status: SapDocumentStatus
    cancelled: bool
    customer_reference: str | None
    comments: str | None
    lines: tuple[InvoiceLine, ...] = ()
    fiscal_uuid: str | None = None
    """The folio fiscal of the CFDI SAP stamped for this invoice (Mexico), if any."""
    fiscal_attachment: int | None = None
    """The SAP attachment (Attachments2) that holds the stamped XML, if any."""
    disputed: Decimal = Decimal(0)
    """What the customer's open disputes take out of what is due, in the invoice's currency."""

    def __post_init__(self) -> None:
        for name in ("net_total", "tax_total", "total", "paid_to_date"):
            if getattr(self, name).currency != self.currency:
                raise InvalidValue(
                    f"invoice {self.doc_num}: {name} is in {getattr(self, name).currency}, "
                    f"the invoice in {self.currency}"
                )

    @property
    def amount_due(self) -> Money:
        """What the customer still owes, disputed amounts left out: nothing once SAP closed
        or cancelled the invoice."""
        due = self.owed_in_sap.amount - self.disputed
        return Money(due if due > 0 else Decimal(0), self.currency)

    @property
    def owed_in_sap(self) -> Money:
        """What SAP says is still owed, disputes or not."""
        settled = self.cancelled or self.sap_status is SapDocumentStatus.CLOSED
        due = owed(self.total.amount, self.paid_to_date.amount, settled=settled)
        return Money(due, self.currency)

    def status_on(self, today: date) -> InvoiceStatus:
        """Derive the status a customer sees on the given day."""
        if self.cancelled:
            return InvoiceStatus.CANCELLED
        if self.owed_in_sap.is_zero():
            return InvoiceStatus.PAID
        if self.due_date < today:
            return InvoiceStatus.OVERDUE
        if self.paid_to_date.is_positive():
            return InvoiceStatus.PARTIALLY_PAID
        return InvoiceStatus.OPEN

    def days_overdue(self, today: date) -> int:
        """Return how many days past the due date an unpaid invoice is (0 if not overdue)."""
        if self.status_on(today) is not InvoiceStatus.OVERDUE:
            return 0
        return (today - self.due_date).days


def owed(total: Decimal, paid_to_date: Decimal, *, settled: bool) -> Decimal:
    """What is still owed on a document: nothing once settled (closed or cancelled) or overpaid."""
    if settled:
        return Decimal(0)
    remaining = total - paid_to_date
    return remaining if remaining > 0 else Decimal(0)
