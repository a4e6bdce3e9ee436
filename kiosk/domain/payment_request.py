"""A request to pay one or several invoices of one customer, with the reference they quote."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from kiosk.domain.errors import InvalidValue
from kiosk.domain.incoming_payment import IncomingPayment
from kiosk.domain.invoice import Invoice
from kiosk.domain.money import Money


class RequestState(enum.Enum):
    OPEN = "open"
    SETTLED = "settled"


@dataclass(frozen=True, slots=True)
class RequestedInvoice:
    """One invoice in a request and what it owed when the request was made."""

    doc_entry: int
    doc_num: int
    due_date_iso: str
    amount: Money


@dataclass(frozen=True, slots=True)
class PaymentRequest:
    """One payment for a group of invoices: their total amount due, and one reference."""

    reference: str
    customer_code: str
    customer_name: str
    invoices: tuple[RequestedInvoice, ...]
    total: Money
    created_at: datetime
    state: RequestState = RequestState.OPEN
    settled_by_payment: int | None = None

    @property
    def doc_nums(self) -> tuple[int, ...]:
        return tuple(invoice.doc_num for invoice in self.invoices)

    def is_paid_by(self, payment: IncomingPayment) -> bool:
        """Whether a payment quoting this reference is this request's, not a stray one.

        A reference alone is not proof: a slip printed by a cache that was lost can quote one
        a rebuilt cache hands out again. So the payment must come from this customer and apply
        exactly this request's total, in its currency, to this request's invoices.
        """
        return (
            payment.customer_code == self.customer_code
            and payment.amount.currency == self.total.currency
            and self.applied_by(payment) == self.total.amount
        )

    def applied_by(self, payment: IncomingPayment) -> Decimal:
        """How much of a payment goes to this request's invoices, in the payment's currency."""
        mine = {invoice.doc_entry for invoice in self.invoices}
        return sum(
            (a.amount for a in payment.allocations if a.invoice_doc_entry in mine), Decimal(0)
        )


class MixedCurrencies(InvalidValue):
    """Invoices in different currencies were chosen for one payment."""

    def __init__(self, currencies: list[str]) -> None:
        super().__init__(f"one payment cannot mix currencies ({', '.join(currencies)})")
        self.currencies = currencies


def requested_invoices(invoices: Sequence[Invoice]) -> tuple[tuple[RequestedInvoice, ...], Money]:
    """Check that invoices can be paid together and return them oldest due first, with the total."""
    if not invoices:
        raise InvalidValue("choose at least one invoice to pay")
    customers = {invoice.customer_code for invoice in invoices}
    if len(customers) > 1:
        raise InvalidValue("one payment can only cover invoices of one customer")
    currencies = {invoice.currency for invoice in invoices}
    if len(currencies) > 1:
        raise MixedCurrencies(sorted(currencies))
    for invoice in invoices:
        if not invoice.amount_due.is_positive():
            raise InvalidValue(f"invoice {invoice.doc_num} has nothing left to pay")
    ordered = sorted(invoices, key=lambda invoice: (invoice.due_date, invoice.doc_num))
    total = Money.zero(ordered[0].currency)
    for invoice in ordered:
        total = total + invoice.amount_due
    chosen = tuple(
        RequestedInvoice(i.doc_entry, i.doc_num, i.due_date.isoformat(), i.amount_due)
        for i in ordered
    )
    return chosen, total.rounded()


def allocate_oldest_first(
    request: PaymentRequest, paid: Money
) -> list[tuple[RequestedInvoice, Money]]:
    """Split a (possibly partial) payment over the request's invoices, oldest due date first."""
    if paid.currency != request.total.currency:
        raise InvalidValue(
            f"the payment is in {paid.currency}, the request in {request.total.currency}"
        )
    if paid.amount <= 0:
        raise InvalidValue("a payment must be more than zero")
    left = paid.amount
    allocations = []
    for invoice in request.invoices:
        applied = min(left, invoice.amount.amount)
        if applied <= 0:
            break
        allocations.append((invoice, Money(applied, paid.currency)))
        left -= applied
    if left > Decimal(0):
        raise InvalidValue(
            f"the payment exceeds what the request asks for by {left} {paid.currency}"
        )
    return allocations
