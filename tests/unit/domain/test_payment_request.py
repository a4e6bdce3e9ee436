"""Whether an incoming payment quoting a request's reference is really that request's."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from kiosk.domain.incoming_payment import IncomingPayment, PaymentAllocation
from kiosk.domain.money import Money
from kiosk.domain.payment_request import PaymentRequest, RequestedInvoice

REQUEST = PaymentRequest(
    reference="0100000114",
    customer_code="C001",
    customer_name="Abarrotes Maya",
    invoices=(
        RequestedInvoice(11, 1011, "2026-01-01", Money.of("100.00", "MXN")),
        RequestedInvoice(12, 1012, "2026-02-01", Money.of("50.50", "MXN")),
    ),
    total=Money.of("150.50", "MXN"),
    created_at=datetime(2026, 11, 20, 10),
)


def payment(
    customer: str = "C001",
    currency: str = "MXN",
    allocations: tuple[tuple[int, str], ...] = ((11, "100.0"), (12, "50.5")),
) -> IncomingPayment:
    applied = tuple(PaymentAllocation(entry, Decimal(amount)) for entry, amount in allocations)
    total = sum((a.amount for a in applied), Decimal(0))
    return IncomingPayment(
        1, 900001, customer, date(2026, 11, 21), Money(total, currency), REQUEST.reference,
        cancelled=False, allocations=applied,
    )  # fmt: skip


def test_the_customer_paying_the_request_total_to_its_invoices_pays_it():
    # 100.0 + 50.5 from SAP's JSON is the same amount as 150.50: Decimal compares values.
    assert REQUEST.is_paid_by(payment())
    assert REQUEST.applied_by(payment()) == Decimal("150.50")


def test_a_payment_that_also_pays_another_invoice_still_pays_the_request():
    both = payment(allocations=((11, "100.00"), (12, "50.50"), (13, "10.00")))

    assert REQUEST.is_paid_by(both)


@pytest.mark.parametrize(
    "stray",
    [
        payment(customer="C002"),
        payment(currency="USD"),
        payment(allocations=((11, "100.00"),)),  # only part of it
        payment(allocations=((21, "100.00"), (22, "50.50"))),  # the same amount, other invoices
        payment(allocations=((11, "100.00"), (12, "50.49"))),  # one cent short
    ],
)
def test_another_customer_currency_amount_or_invoices_do_not(stray):
    assert not REQUEST.is_paid_by(stray)
