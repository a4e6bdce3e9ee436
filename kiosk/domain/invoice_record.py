"""An invoice as flat values: the form a sync moves in bulk from SAP into the cache."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import NamedTuple

from kiosk.domain.invoice import Invoice, InvoiceLine, SapDocumentStatus, owed


class InvoiceRecord(NamedTuple):
    """The facts of one invoice, amounts as Decimals in `currency`.

    A first download moves tens of thousands of these: a named tuple of plain values costs a
    fraction of an `Invoice` with its `Money` fields, and the cache stores exactly these values.
    `Invoice` is what the kiosk builds back from the cache to show and print.
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
    net_total: Decimal
    tax_total: Decimal
    total: Decimal
    paid_to_date: Decimal
    sap_status: SapDocumentStatus
    cancelled: bool
    customer_reference: str | None
    comments: str | None
    lines: tuple[InvoiceLine, ...]
    fiscal_uuid: str | None = None
    fiscal_attachment: int | None = None

    def amount_due(self) -> Decimal:
        """What the customer still owes, by the same rule as `Invoice.amount_due`."""
        settled = self.cancelled or self.sap_status is SapDocumentStatus.CLOSED
        return owed(self.total, self.paid_to_date, settled=settled)


def record_of(invoice: Invoice) -> InvoiceRecord:
    """The flat values of an invoice."""
    return InvoiceRecord(
        invoice.doc_entry,
        invoice.doc_num,
        invoice.customer_code,
        invoice.customer_name,
        invoice.customer_tax_id,
        invoice.posting_date,
        invoice.due_date,
        invoice.document_date,
        invoice.currency,
        invoice.net_total.amount,
        invoice.tax_total.amount,
        invoice.total.amount,
        invoice.paid_to_date.amount,
        invoice.sap_status,
        invoice.cancelled,
        invoice.customer_reference,
        invoice.comments,
        invoice.lines,
        invoice.fiscal_uuid,
        invoice.fiscal_attachment,
    )
