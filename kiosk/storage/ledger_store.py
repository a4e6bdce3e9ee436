"""The customer ledger in the local database: SAP's credit notes and payments, by DocEntry."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Engine, Table, and_, delete, insert, select

from kiosk.domain.credit_note import CreditNote
from kiosk.domain.incoming_payment import IncomingPayment, PaymentAllocation
from kiosk.domain.money import Money
from kiosk.services.ports.ledger import PAYMENT_HISTORY
from kiosk.storage.database import connected, transaction
from kiosk.storage.running_counts import add_to_counts
from kiosk.storage.scaled_decimal import from_scaled, to_scaled
from kiosk.storage.tables import (
    CreditNoteInvoiceRow,
    CreditNoteRow,
    IncomingPaymentRow,
    InvoiceRow,
    PaymentAllocationRow,
    PaymentWaitRow,
    SyncCursorRow,
)

PAGE_SIZE = 500

notes = cast(Table, CreditNoteRow.__table__)
note_invoices = cast(Table, CreditNoteInvoiceRow.__table__)
payments = cast(Table, IncomingPaymentRow.__table__)
allocations = cast(Table, PaymentAllocationRow.__table__)
invoices = cast(Table, InvoiceRow.__table__)
waits = cast(Table, PaymentWaitRow.__table__)
waited = allocations.c.days_waited
cursors = cast(Table, SyncCursorRow.__table__)


class SqlLedgerStore:
    """Each call is one short transaction; a write replaces what was kept under each DocEntry."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def store_credit_notes(self, notes_to_store: Sequence[CreditNote]) -> int:
        if not notes_to_store:
            return 0
        latest = {note.doc_entry: note for note in notes_to_store}
        entries = list(latest)
        with transaction(self._engine) as connection:
            connection.execute(
                delete(note_invoices).where(note_invoices.c.credit_note_entry.in_(entries))
            )
            connection.execute(delete(notes).where(notes.c.doc_entry.in_(entries)))
            connection.execute(insert(notes), [_note_values(note) for note in latest.values()])
            links = [
                {"credit_note_entry": note.doc_entry, "invoice_doc_entry": invoice}
                for note in latest.values()
                for invoice in sorted(set(note.invoice_entries))
            ]
            if links:
                connection.execute(insert(note_invoices), links)
        return len(latest)

    def store_payments(self, payments_to_store: Sequence[IncomingPayment]) -> int:
        if not payments_to_store:
            return 0
        latest = {payment.doc_entry: payment for payment in payments_to_store}
        entries = list(latest)
        with transaction(self._engine) as connection:
            replaced = connection.execute(
                select(allocations.c.payment_entry, payments.c.payment_date, waited)
                .join(payments, payments.c.doc_entry == allocations.c.payment_entry)
                .where(allocations.c.payment_entry.in_(entries), waited.is_not(None))
            ).all()
            connection.execute(delete(allocations).where(allocations.c.payment_entry.in_(entries)))
            connection.execute(delete(payments).where(payments.c.doc_entry.in_(entries)))
            connection.execute(
                insert(payments), [_payment_values(payment) for payment in latest.values()]
            )
            paid = {entry for payment in latest.values() for entry in payment.invoice_doc_entries}
            posted: dict[int, date] = {
                entry: day
                for entry, day in connection.execute(
                    select(invoices.c.doc_entry, invoices.c.posting_date).where(
                        invoices.c.doc_entry.in_(paid)
                    )
                )
            }
            applied = [
                (payment, invoice, amount, _days_waited(payment, posted.get(invoice)))
                for payment in latest.values()
                for invoice, amount in _applied_per_invoice(payment).items()
            ]
            if applied:
                connection.execute(
                    insert(allocations),
                    [
                        {
                            "payment_entry": payment.doc_entry,
                            "invoice_doc_entry": invoice,
                            "amount": amount,
                            "days_waited": days,
                        }
                        for payment, invoice, amount, days in applied
                    ],
                )
            counted = [
                (payment.doc_entry, payment.payment_date, days) for payment, *_, days in applied
            ]
            add_to_counts(
                connection, waits, ("payment_date", "days_waited"), ("invoices", "payments"),
                payment_wait_counts(counted, replaced),
            )  # fmt: skip
        return len(latest)

    def credit_notes_for_customer(self, customer_code: str, until: date) -> list[CreditNote]:
        mine = and_(notes.c.customer_code == customer_code, notes.c.posting_date <= until)
        with connected(self._engine) as connection:
            rows = connection.execute(
                select(notes).where(mine).order_by(notes.c.posting_date, notes.c.doc_entry)
            ).all()
            links = connection.execute(
                select(note_invoices)
                .join(notes, notes.c.doc_entry == note_invoices.c.credit_note_entry)
                .where(mine)
                .order_by(note_invoices.c.credit_note_entry, note_invoices.c.invoice_doc_entry)
            ).all()
        return _credit_notes(rows, links)

    def payments_for_customer(self, customer_code: str, until: date) -> list[IncomingPayment]:
        mine = and_(payments.c.customer_code == customer_code, payments.c.payment_date <= until)
        with connected(self._engine) as connection:
            rows = connection.execute(
                select(payments).where(mine).order_by(payments.c.payment_date, payments.c.doc_entry)
            ).all()
            lines = connection.execute(
                select(allocations)
                .join(payments, payments.c.doc_entry == allocations.c.payment_entry)
                .where(mine)
                .order_by(allocations.c.payment_entry, allocations.c.invoice_doc_entry)
            ).all()
        applied: dict[int, list[PaymentAllocation]] = defaultdict(list)
        for line in lines:
            applied[line.payment_entry].append(
                PaymentAllocation(line.invoice_doc_entry, from_scaled(line.amount))
            )
        return [_payment(row, tuple(applied[row.doc_entry])) for row in rows]

    def credit_notes_after(self, doc_entry: int) -> Iterator[list[CreditNote]]:
        last = doc_entry
        while True:
            # One short read per page, so that the caller can write between pages.
            with connected(self._engine) as connection:
                rows = connection.execute(
                    select(notes)
                    .where(notes.c.doc_entry > last)
                    .order_by(notes.c.doc_entry)
                    .limit(PAGE_SIZE)
                ).all()
                if not rows:
                    return
                last = rows[-1].doc_entry
                links = connection.execute(
                    select(note_invoices)
                    .where(note_invoices.c.credit_note_entry.in_([row.doc_entry for row in rows]))
                    .order_by(note_invoices.c.credit_note_entry, note_invoices.c.invoice_doc_entry)
                ).all()
            yield _credit_notes(rows, links)

    def history_complete(self) -> bool:
        query = select(cursors.c.last_key).where(cursors.c.entity == PAYMENT_HISTORY)
        with connected(self._engine) as connection:
            return connection.execute(query).scalar() == 0


def _credit_notes(rows: Sequence[Any], links: Sequence[Any]) -> list[CreditNote]:
    """Credit note rows, in their order, with the invoices their links name."""
    linked: dict[int, list[int]] = defaultdict(list)
    for link in links:
        linked[link.credit_note_entry].append(link.invoice_doc_entry)
    return [
        CreditNote(
            doc_entry=row.doc_entry,
            doc_num=row.doc_num,
            customer_code=row.customer_code,
            posting_date=row.posting_date,
            total=Money(from_scaled(row.total), row.currency),
            cancelled=row.cancelled,
            invoice_entries=tuple(linked[row.doc_entry]),
        )
        for row in rows
    ]


def _note_values(note: CreditNote) -> dict[str, Any]:
    return {
        "doc_entry": note.doc_entry,
        "doc_num": note.doc_num,
        "customer_code": note.customer_code,
        "posting_date": note.posting_date,
        "currency": note.total.currency,
        "total": to_scaled(note.total.amount),
        "cancelled": note.cancelled,
    }


def _payment_values(payment: IncomingPayment) -> dict[str, Any]:
    return {
        "doc_entry": payment.doc_entry,
        "doc_num": payment.doc_num,
        "customer_code": payment.customer_code,
        "payment_date": payment.payment_date,
        "currency": payment.amount.currency,
        "amount": to_scaled(payment.amount.amount),
        "reference": payment.reference,
        "cancelled": payment.cancelled,
    }


def payment_wait_counts(
    added: Sequence[tuple[int, date, int | None]], removed: Sequence[Any]
) -> list[dict[str, Any]]:
    """What replacing `removed` allocations with `added` ones changes in payment_waits."""
    counts: dict[tuple[date, int], list[int]] = defaultdict(lambda: [0, 0])
    for rows, sign in ((added, 1), (removed, -1)):
        longest: dict[int, tuple[date, int]] = {}
        for payment, paid_on, days in rows:
            if days is None:
                continue
            counts[(paid_on, days)][0] += sign
            if payment not in longest or days > longest[payment][1]:
                longest[payment] = (paid_on, days)
        for key in longest.values():
            counts[key][1] += sign
    return [
        {
            "payment_date": day,
            "days_waited": days,
            "week_start": day - timedelta(days=day.weekday()),
            "invoices": n[0],
            "payments": n[1],
        }
        for (day, days), n in counts.items()
        if n != [0, 0]
    ]


def _days_waited(payment: IncomingPayment, posted: date | None) -> int | None:
    if payment.cancelled or posted is None:
        return None
    return (payment.payment_date - posted).days


def _applied_per_invoice(payment: IncomingPayment) -> dict[int, int]:
    """Millionths applied to each invoice: SAP may apply one payment to an invoice in several
    lines (one per instalment), the cache keeps their sum."""
    applied: dict[int, Decimal] = defaultdict(Decimal)
    for allocation in payment.allocations:
        applied[allocation.invoice_doc_entry] += allocation.amount
    return {invoice: to_scaled(amount) for invoice, amount in applied.items()}


def _payment(row: Any, applied: tuple[PaymentAllocation, ...]) -> IncomingPayment:
    return IncomingPayment(
        doc_entry=row.doc_entry,
        doc_num=row.doc_num,
        customer_code=row.customer_code,
        payment_date=row.payment_date,
        amount=Money(from_scaled(row.amount), row.currency),
        reference=row.reference,
        cancelled=row.cancelled,
        allocations=applied,
    )
