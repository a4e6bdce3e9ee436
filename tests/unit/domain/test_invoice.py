"""Invoice: amount due and the status a customer sees, at the boundaries that matter."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from kiosk.domain.errors import InvalidValue
from kiosk.domain.invoice import InvoiceStatus, SapDocumentStatus
from kiosk.domain.money import Money
from tests.builders import make_invoice

DUE = date(2026, 2, 14)


def test_amount_due_is_total_minus_paid():
    invoice = make_invoice(total="232.00", paid_to_date="100.50")

    assert invoice.amount_due == Money.of("131.50", "MXN")


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"paid_to_date": "300.00"}, "0"),  # overpaid never shows a negative balance
        ({"cancelled": True}, "0"),
        ({"sap_status": SapDocumentStatus.CLOSED}, "0"),  # SAP takes no payment on closed ones
    ],
)
def test_nothing_is_due_when_overpaid_cancelled_or_closed(overrides, expected):
    assert make_invoice(**overrides).amount_due == Money.of(expected, "MXN")


@pytest.mark.parametrize(
    ("today", "paid", "expected"),
    [
        (date(2026, 2, 13), "0", InvoiceStatus.OPEN),
        (DUE, "0", InvoiceStatus.OPEN),  # due today is not late yet
        (date(2026, 2, 15), "0", InvoiceStatus.OVERDUE),
        (DUE, "0.01", InvoiceStatus.PARTIALLY_PAID),
        (date(2026, 2, 15), "100", InvoiceStatus.OVERDUE),  # late beats partly paid
        (date(2026, 2, 15), "232.00", InvoiceStatus.PAID),
        (date(2026, 2, 15), "231.99", InvoiceStatus.OVERDUE),
    ],
)
def test_status_from_totals_due_date_and_today(today, paid, expected):
    invoice = make_invoice(due_date=DUE, total="232.00", paid_to_date=paid)

    assert invoice.status_on(today) is expected


def test_cancelled_wins_over_everything():
    invoice = make_invoice(cancelled=True, paid_to_date="10")

    assert invoice.status_on(date(2030, 1, 1)) is InvoiceStatus.CANCELLED


def test_days_overdue():
    invoice = make_invoice(due_date=DUE)

    assert invoice.days_overdue(date(2026, 2, 24)) == 10
    assert invoice.days_overdue(DUE) == 0
    assert make_invoice(due_date=DUE, paid_to_date="232.00").days_overdue(date(2026, 3, 1)) == 0


def test_totals_must_be_in_the_invoice_currency():
    with pytest.raises(InvalidValue, match="total is in USD, the invoice in MXN"):
        dataclasses.replace(make_invoice(), total=Money.of("1", "USD"))
