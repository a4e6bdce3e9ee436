"""The statement service over hand-written fakes: what it gathers, its default period, refusals."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from kiosk.domain.errors import InvalidValue, NotFound
from kiosk.domain.reports import ReportPeriod
from kiosk.domain.statement import Statement
from kiosk.services.statements import (
    StatementService,
    read_statement_reference,
    statement_reference,
)
from tests.fakes.in_memory_invoice_store import InMemoryInvoiceStore
from tests.fakes.mutable_clock import MutableClock
from tests.fixtures.statement_data import PERIOD, statement_data


class FakeLedger:
    def __init__(self, complete: bool = True) -> None:
        self.data = statement_data()
        self.complete = complete
        self.asked: list[tuple[str, date]] = []

    def credit_notes_for_customer(self, customer_code: str, until: date):
        self.asked.append((customer_code, until))
        return [n for n in self.data.credit_notes if n.posting_date <= until]

    def payments_for_customer(self, customer_code: str, until: date):
        return [p for p in self.data.payments if p.payment_date <= until]

    def history_complete(self) -> bool:
        return self.complete


class FakeDisputes:
    def disputes(self, *, customer_code=None, limit=200, **_filters):
        return [d for d in statement_data().disputes if d.customer_code == customer_code]


class FakeRenderer:
    def render(self, statement: Statement, *, language: str) -> bytes:
        return f"{statement.customer_code} {language}".encode()


def service(ledger: FakeLedger | None = None) -> StatementService:
    store = InMemoryInvoiceStore()
    data = statement_data()
    store.upsert_customers([data.customer])
    store.upsert_invoices(data.invoices)
    clock = MutableClock(datetime(2026, 3, 31, 9, 0))
    return StatementService(
        store, ledger or FakeLedger(), FakeDisputes(), clock, FakeRenderer(), FakeRenderer()
    )


def test_the_statement_gathers_invoices_ledger_and_disputes_up_to_the_periods_end():
    ledger = FakeLedger(complete=False)

    statement = service(ledger).statement("C001", PERIOD)

    assert ledger.asked == [("C001", PERIOD.end)]
    assert statement.section("MXN").closing == Decimal("2580.00")
    assert statement.section("MXN").disputed == Decimal("300.00")
    assert not statement.history_complete


def test_the_default_period_is_the_last_90_days_to_today():
    statements = service()

    assert statements.period() == ReportPeriod(date(2025, 12, 31), date(2026, 3, 31))
    assert statements.period(end=date(2026, 2, 1)).start == date(2025, 11, 3)
    assert statements.period(date(2026, 3, 1)) == ReportPeriod(date(2026, 3, 1), date(2026, 3, 31))


def test_an_unknown_customer_or_a_bad_period_is_refused_plainly():
    statements = service()

    with pytest.raises(NotFound, match="no customer 'C404' in the local cache"):
        statements.statement("C404", PERIOD)
    with pytest.raises(InvalidValue, match=r"ends \(2026-01-01\) before it starts"):
        statements.period(date(2026, 2, 1), date(2026, 1, 1))
    with pytest.raises(InvalidValue, match="cannot end after today"):
        statements.period(end=date(2026, 4, 1))


def test_the_files_are_named_after_the_customer_and_the_period():
    statements = service()
    files = statements.files(statements.statement("C001", PERIOD), language="en")

    assert files.pdf_name == "Statement-C001-2026-01-01-2026-03-31.pdf"
    assert files.csv_name == "Statement-C001-2026-01-01-2026-03-31.csv"
    assert files.pdf == b"C001 en"


def test_a_delivery_reference_keeps_the_period_and_language():
    reference = statement_reference(PERIOD, "en")

    assert reference == "2026-01-01:2026-03-31:en" and len(reference) <= 36
    assert read_statement_reference(reference) == (PERIOD, "en")
    assert read_statement_reference("2026-01-01:2026-03-31") == (PERIOD, None)
    for broken in ("0042", "2026-13-01:2026-03-31", "2026-03-31:2026-01-01:es", None):
        with pytest.raises(NotFound, match="no statement period"):
            read_statement_reference(broken)
