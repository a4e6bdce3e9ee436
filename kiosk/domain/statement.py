"""A customer's statement of account: balances, the period's documents, ageing of what is open."""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from kiosk.domain.ageing import AgeingBucket, ageing_bucket
from kiosk.domain.credit_note import CreditNote
from kiosk.domain.customer import Address, Customer
from kiosk.domain.dispute import Dispute
from kiosk.domain.errors import InvalidValue
from kiosk.domain.incoming_payment import IncomingPayment
from kiosk.domain.invoice import Invoice
from kiosk.domain.reports import ReportPeriod

ZERO = Decimal(0)


class EntryKind(enum.Enum):
    INVOICE = "invoice"  # a charge
    CREDIT_NOTE = "credit_note"  # a credit
    PAYMENT = "payment"  # a credit
    DISPUTE = "dispute"  # a memo line: what the customer disputes does not move the balance


_SAME_DAY_ORDER = {
    EntryKind.INVOICE: 0,
    EntryKind.CREDIT_NOTE: 1,
    EntryKind.PAYMENT: 2,
    EntryKind.DISPUTE: 3,
}


@dataclass(frozen=True, slots=True)
class StatementEntry:
    """One line of a statement, with the balance after it."""

    day: date
    kind: EntryKind
    number: str  # the document's number: 1042, or the dispute's D-000042
    charge: Decimal
    credit: Decimal
    balance: Decimal
    due_date: date | None = None  # an invoice's
    reference: str | None = None  # the invoices a credit, a payment or a dispute is about
    disputed: Decimal = ZERO  # a dispute's amount, beside the balance and never in it


@dataclass(frozen=True, slots=True)
class CurrencySection:
    """What the customer's documents in one currency add up to over the period."""

    currency: str
    opening: Decimal
    entries: tuple[StatementEntry, ...]
    closing: Decimal
    disputed: Decimal  # what open disputes hold out of the open invoices
    ageing: dict[AgeingBucket, Decimal] = field(default_factory=dict)  # every bucket, in order
    unapplied: Decimal = ZERO
    """Credit on the account that pays no invoice: standalone credit notes and the part of
    payments applied to none. With it, closing = open total + disputed - unapplied."""

    @property
    def charges(self) -> Decimal:
        return sum((entry.charge for entry in self.entries), ZERO)

    @property
    def credits(self) -> Decimal:
        return sum((entry.credit for entry in self.entries), ZERO)

    @property
    def open_total(self) -> Decimal:
        """What is due on the open invoices, disputed amounts left out."""
        return sum(self.ageing.values(), ZERO)

    @property
    def to_pay(self) -> Decimal:
        """What is due on the open invoices less the credit on the account."""
        return self.open_total - self.unapplied


@dataclass(frozen=True, slots=True)
class Statement:
    """A statement of account of one customer for a period, one section per currency."""

    customer_code: str
    customer_name: str
    customer_tax_id: str | None
    address: Address
    period: ReportPeriod
    generated_on: date
    ageing_on: date  # the day the open amounts are aged on: the period's end, or today if sooner
    sections: tuple[CurrencySection, ...]
    history_complete: bool = True  # False while old payments are still being downloaded

    @property
    def currencies(self) -> tuple[str, ...]:
        return tuple(section.currency for section in self.sections)

    @property
    def entry_count(self) -> int:
        return sum(len(section.entries) for section in self.sections)

    def section(self, currency: str) -> CurrencySection:
        for section in self.sections:
            if section.currency == currency:
                return section
        raise InvalidValue(f"the statement of {self.customer_code} has nothing in {currency}")


@dataclass(frozen=True, slots=True)
class _Line:
    """An entry before its running balance is known, with what orders it within its day."""

    day: date
    kind: EntryKind
    order: int
    number: str
    charge: Decimal
    credit: Decimal
    due_date: date | None = None
    reference: str | None = None
    disputed: Decimal = ZERO

    def sort_key(self) -> tuple[date, int, int]:
        return (self.day, _SAME_DAY_ORDER[self.kind], self.order)


def build_statement(
    customer: Customer,
    period: ReportPeriod,
    *,
    invoices: Iterable[Invoice],
    credit_notes: Iterable[CreditNote],
    payments: Iterable[IncomingPayment],
    disputes: Iterable[Dispute],
    today: date,
    history_complete: bool = True,
) -> Statement:
    """The statement of `customer` for `period` from their documents (any number of them, in
    any order; those of other customers, cancelled ones and those after the period are left
    out).

    Opening balance = invoices - credit notes - payments before the period; each entry moves
    the running balance; closing = opening + charges - credits. The ageing is what SAP still has
    open on the invoices up to the period's end, less what open disputes hold, by due date;
    beside it the credit on the account that pays no invoice (standalone credit notes, what
    payments applied to none).
    """
    code = customer.code
    mine = [i for i in invoices if i.customer_code == code and not i.cancelled]
    numbers = {invoice.doc_entry: str(invoice.doc_num) for invoice in mine}
    opening: dict[str, Decimal] = defaultdict(Decimal)
    lines: dict[str, list[_Line]] = defaultdict(list)

    def place(day: date, currency: str, amount: Decimal, line: _Line) -> None:
        if day < period.start:
            opening[currency] += amount
        elif day <= period.end:
            lines[currency].append(line)

    for invoice in mine:
        total = invoice.total.amount
        place(
            invoice.posting_date, invoice.currency, total,
            _Line(invoice.posting_date, EntryKind.INVOICE, invoice.doc_entry,
                  str(invoice.doc_num), total, ZERO, due_date=invoice.due_date),
        )  # fmt: skip
    unapplied: dict[str, Decimal] = defaultdict(Decimal)
    for note in credit_notes:
        if note.customer_code != code or note.cancelled:
            continue
        amount = note.total.amount
        if not note.invoice_entries and note.posting_date <= period.end:
            unapplied[note.total.currency] += amount
        place(
            note.posting_date, note.total.currency, -amount,
            _Line(note.posting_date, EntryKind.CREDIT_NOTE, note.doc_entry, str(note.doc_num),
                  ZERO, amount, reference=_numbers(note.invoice_entries, numbers)),
        )  # fmt: skip
    for payment in payments:
        if payment.customer_code != code or payment.cancelled:
            continue
        amount = payment.amount.amount
        left = amount - sum((a.amount for a in payment.allocations), ZERO)
        if left > 0 and payment.payment_date <= period.end:
            unapplied[payment.amount.currency] += left
        reference = _numbers(payment.invoice_doc_entries, numbers) or payment.reference
        place(
            payment.payment_date, payment.amount.currency, -amount,
            _Line(payment.payment_date, EntryKind.PAYMENT, payment.doc_entry,
                  str(payment.doc_num), ZERO, amount, reference=reference),
        )  # fmt: skip
    for dispute in disputes:
        opened = dispute.opened_at.date()
        if dispute.customer_code != code or not dispute.state.holds_the_amount:
            continue
        if period.start <= opened <= period.end:
            lines[dispute.amount.currency].append(
                _Line(opened, EntryKind.DISPUTE, dispute.id or 0, dispute.number, ZERO, ZERO,
                      reference=str(dispute.doc_num), disputed=dispute.amount.amount)
            )  # fmt: skip

    ageing_on = min(period.end, today)
    ageing: dict[str, dict[AgeingBucket, Decimal]] = defaultdict(_empty_ageing)
    disputed: dict[str, Decimal] = defaultdict(Decimal)
    for invoice in mine:
        if invoice.posting_date > period.end or invoice.owed_in_sap.is_zero():
            continue
        due = invoice.amount_due.amount
        held = invoice.owed_in_sap.amount - due
        if due:
            ageing[invoice.currency][ageing_bucket(invoice.due_date, ageing_on)] += due
        if held:
            disputed[invoice.currency] += held

    currencies = sorted(
        {c for c, amount in opening.items() if amount}
        | set(lines)
        | {c for c, buckets in ageing.items() if any(buckets.values())}
        | {c for c, amount in disputed.items() if amount}
        | {c for c, amount in unapplied.items() if amount}
    )
    sections = tuple(
        _section(
            currency, opening.get(currency, ZERO), lines.get(currency, []),
            disputed.get(currency, ZERO), ageing.get(currency) or _empty_ageing(),
            unapplied.get(currency, ZERO),
        )
        for currency in currencies
    )  # fmt: skip
    return Statement(
        customer_code=code,
        customer_name=customer.name,
        customer_tax_id=customer.tax_id,
        address=customer.address,
        period=period,
        generated_on=today,
        ageing_on=ageing_on,
        sections=sections,
        history_complete=history_complete,
    )


def _section(
    currency: str,
    opening: Decimal,
    lines: list[_Line],
    disputed: Decimal,
    ageing: dict[AgeingBucket, Decimal],
    unapplied: Decimal,
) -> CurrencySection:
    balance = opening
    entries = []
    for line in sorted(lines, key=_Line.sort_key):
        balance += line.charge - line.credit
        entries.append(
            StatementEntry(
                line.day, line.kind, line.number, line.charge, line.credit, balance,
                due_date=line.due_date, reference=line.reference, disputed=line.disputed,
            )
        )  # fmt: skip
    return CurrencySection(currency, opening, tuple(entries), balance, disputed, ageing, unapplied)


def _empty_ageing() -> dict[AgeingBucket, Decimal]:
    return {bucket: ZERO for bucket in AgeingBucket}


def _numbers(doc_entries: Iterable[int], numbers: dict[int, str]) -> str | None:
    """The numbers of the invoices with these keys, as the customer knows them."""
    known = [numbers[entry] for entry in dict.fromkeys(doc_entries) if entry in numbers]
    return ", ".join(known) or None
