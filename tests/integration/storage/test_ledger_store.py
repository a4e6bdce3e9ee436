"""The customer ledger in the cache: credit notes and payments kept by DocEntry, exactly."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import Engine, func, select

from kiosk.bundled_files import migrations_path
from kiosk.domain.credit_note import CreditNote
from kiosk.domain.incoming_payment import IncomingPayment, PaymentAllocation
from kiosk.domain.money import Money
from kiosk.services.ports.ledger import PAYMENT_HISTORY
from kiosk.services.ports.sync import SyncCursor
from kiosk.storage.ledger_store import PAGE_SIZE, SqlLedgerStore
from kiosk.storage.schema_migration import ensure_schema
from kiosk.storage.sync_cursor_store import SqlSyncCursorStore
from kiosk.storage.tables import CreditNoteInvoiceRow, PaymentAllocationRow


@pytest.fixture
def ledger(engine: Engine) -> SqlLedgerStore:
    ensure_schema(engine, migrations_path())
    return SqlLedgerStore(engine)


def note(doc_entry: int, **changes) -> CreditNote:
    values = {
        "doc_entry": doc_entry, "doc_num": 500000 + doc_entry, "customer_code": "C000001",
        "posting_date": date(2026, 10, doc_entry % 28 + 1), "total": Money.of("1682.00", "MXN"),
        "cancelled": False, "invoice_entries": (),
    }  # fmt: skip
    return CreditNote(**{**values, **changes})


def payment(doc_entry: int, *allocations: tuple[int, str], **changes) -> IncomingPayment:
    values = {
        "doc_entry": doc_entry, "doc_num": 900000 + doc_entry, "customer_code": "C000001",
        "payment_date": date(2026, 10, doc_entry % 28 + 1), "amount": Money.of("100.00", "MXN"),
        "reference": f"SPEI-{doc_entry}", "cancelled": False,
        "allocations": tuple(PaymentAllocation(e, Decimal(a)) for e, a in allocations),
    }  # fmt: skip
    return IncomingPayment(**{**values, **changes})


def rows(engine: Engine, table) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()


def test_a_credit_note_comes_back_exactly_as_stored(ledger: SqlLedgerStore):
    dollars = note(7, total=Money.of("1234.567891", "USD"), invoice_entries=(351, 12))

    assert ledger.store_credit_notes([dollars]) == 1

    [back] = ledger.credit_notes_for_customer("C000001", date(2026, 12, 31))
    assert back == CreditNote(
        7, 500007, "C000001", date(2026, 10, 8), Money(Decimal("1234.567891"), "USD"), False,
        (12, 351),
    )  # fmt: skip
    assert type(back.total.amount) is Decimal


def test_storing_a_credit_note_again_replaces_its_invoices_and_keeps_it_cancelled(
    ledger: SqlLedgerStore, engine: Engine
):
    ledger.store_credit_notes([note(1, invoice_entries=(10, 11)), note(2, invoice_entries=(12,))])

    ledger.store_credit_notes([note(1, invoice_entries=(11, 13), cancelled=True)])

    kept = ledger.credit_notes_for_customer("C000001", date(2026, 12, 31))
    assert [(n.doc_entry, n.invoice_entries, n.cancelled) for n in kept] == [
        (1, (11, 13), True),
        (2, (12,), False),
    ]
    assert rows(engine, CreditNoteInvoiceRow.__table__) == 3


def test_a_customers_credit_notes_stop_at_the_day_asked_oldest_first(ledger: SqlLedgerStore):
    ledger.store_credit_notes([
        note(1, posting_date=date(2026, 10, 5)), note(2, posting_date=date(2026, 9, 30)),
        note(3, posting_date=date(2026, 10, 6)), note(4, posting_date=date(2026, 10, 5)),
        note(5, posting_date=date(2026, 9, 1), customer_code="C000002"),
    ])  # fmt: skip

    until = ledger.credit_notes_for_customer("C000001", date(2026, 10, 5))

    assert [n.doc_entry for n in until] == [2, 1, 4]  # the 6th left out, same day by DocEntry
    assert [n.doc_entry for n in ledger.credit_notes_for_customer("C000002", date(2026, 9, 1))] == [
        5
    ]
    assert ledger.credit_notes_for_customer("C000003", date(2026, 12, 31)) == []


def test_credit_notes_after_a_doc_entry_come_in_pages_in_order(ledger: SqlLedgerStore):
    count = PAGE_SIZE + 3
    ledger.store_credit_notes(
        [note(entry, invoice_entries=(entry * 10,)) for entry in range(count, 0, -1)]
    )

    pages = list(ledger.credit_notes_after(2))

    assert [len(page) for page in pages] == [PAGE_SIZE, 1]
    read = [n for page in pages for n in page]
    assert [n.doc_entry for n in read] == list(range(3, count + 1))
    assert all(n.invoice_entries == (n.doc_entry * 10,) for n in read)
    assert list(ledger.credit_notes_after(count)) == []


def test_a_payment_comes_back_with_its_allocations_to_the_cent(ledger: SqlLedgerStore):
    paid = payment(
        3, (351, "1682.01"), (12, "0.000001"), amount=Money.of("1682.010001", "MXN"),
        reference=None,
    )  # fmt: skip

    assert ledger.store_payments([paid]) == 1

    [back] = ledger.payments_for_customer("C000001", date(2026, 10, 4))
    assert back.amount == Money(Decimal("1682.010001"), "MXN") and back.reference is None
    assert back.allocations == (
        PaymentAllocation(12, Decimal("0.000001")),
        PaymentAllocation(351, Decimal("1682.01")),
    )
    assert sum(a.amount for a in back.allocations) == back.amount.amount


def test_storing_a_payment_again_replaces_its_allocations(ledger: SqlLedgerStore, engine: Engine):
    ledger.store_payments([payment(1, (10, "60.00"), (11, "40.00")), payment(2, (12, "100.00"))])

    stored = ledger.store_payments([payment(1, (11, "100.00"), cancelled=True), payment(1)])

    assert stored == 1  # the same DocEntry twice in a page: the later one is kept
    kept = ledger.payments_for_customer("C000001", date(2026, 12, 31))
    assert [(p.doc_entry, p.allocations, p.cancelled) for p in kept] == [
        (1, (), False),
        (2, (PaymentAllocation(12, Decimal("100.00")),), False),
    ]
    ledger.store_payments([payment(1, (11, "100.00"), cancelled=True)])
    [cancelled] = [p for p in ledger.payments_for_customer("C000001", date(2026, 12, 31))
                   if p.doc_entry == 1]  # fmt: skip
    assert cancelled.cancelled and cancelled.invoice_doc_entries == (11,)
    assert rows(engine, PaymentAllocationRow.__table__) == 2


def test_instalments_of_one_invoice_in_a_payment_are_kept_as_their_sum(ledger: SqlLedgerStore):
    ledger.store_payments([payment(5, (10, "33.33"), (10, "33.34"), (11, "33.33"))])

    [back] = ledger.payments_for_customer("C000001", date(2026, 12, 31))

    assert back.allocations == (
        PaymentAllocation(10, Decimal("66.67")),
        PaymentAllocation(11, Decimal("33.33")),
    )


def test_a_customers_payments_stop_at_the_day_asked_in_every_currency(ledger: SqlLedgerStore):
    ledger.store_payments([
        payment(1, payment_date=date(2026, 10, 1), amount=Money.of("10.50", "USD")),
        payment(2, payment_date=date(2026, 10, 2), customer_code="C000002"),
        payment(3, payment_date=date(2026, 9, 30)),
        payment(4, payment_date=date(2026, 10, 3)),
    ])  # fmt: skip

    until = ledger.payments_for_customer("C000001", date(2026, 10, 2))

    assert [(p.doc_entry, p.amount) for p in until] == [
        (3, Money.of("100.00", "MXN")),
        (1, Money.of("10.50", "USD")),
    ]


def test_the_payment_history_is_complete_once_its_cursor_reaches_zero(
    ledger: SqlLedgerStore, engine: Engine
):
    cursors = SqlSyncCursorStore(engine)
    assert ledger.history_complete() is False  # the back-fill has not begun

    cursors.save_cursor(SyncCursor(PAYMENT_HISTORY, last_key=4000))
    assert ledger.history_complete() is False
    cursors.save_cursor(SyncCursor(PAYMENT_HISTORY, last_key=0))
    assert ledger.history_complete() is True


def test_nothing_to_store_is_no_transaction(ledger: SqlLedgerStore):
    assert ledger.store_credit_notes([]) == 0 and ledger.store_payments([]) == 0
