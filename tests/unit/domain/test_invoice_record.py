"""InvoiceRecord: the flat values of an invoice owe what the invoice owes, and round-trip."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kiosk.domain.invoice import SapDocumentStatus
from kiosk.domain.invoice_record import record_of
from tests.builders import make_invoice, make_line


@pytest.mark.parametrize(
    "overrides",
    [
        {"total": "232.00", "paid_to_date": "100.50"},
        {"paid_to_date": "300.00"},  # overpaid
        {"cancelled": True},
        {"sap_status": SapDocumentStatus.CLOSED},
        {"total": "232.00", "paid_to_date": "232.00"},
    ],
)
def test_a_record_owes_what_its_invoice_owes(overrides):
    invoice = make_invoice(**overrides)

    assert record_of(invoice).amount_due() == invoice.amount_due.amount


def test_a_record_carries_every_value_of_the_invoice():
    invoice = make_invoice(lines=(make_line(0), make_line(1, quantity=Decimal("0.125"))))

    record = record_of(invoice)

    assert record.total == invoice.total.amount and record.currency == "MXN"
    assert record.lines == invoice.lines and record.lines[1].quantity == Decimal("0.125")
    assert (record.doc_entry, record.doc_num, record.posting_date) == (
        invoice.doc_entry,
        invoice.doc_num,
        invoice.posting_date,
    )
