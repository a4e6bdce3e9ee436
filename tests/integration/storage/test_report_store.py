"""The reports over a real database, checked against sums the test works out from its own rows.

The fixture holds two currencies, a partial payment, an overpaid and a closed invoice, disputes
that hold part of an invoice, more than it owes, or nothing (rejected), preference changes
within weeks and on the period's edges, and deliveries and payments just outside the period.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Engine, insert

from kiosk.bundled_files import migrations_path
from kiosk.domain.ageing import AgeingBucket
from kiosk.domain.billing_preference import BillingChannel, BillingPreference, PreferenceChange
from kiosk.domain.incoming_payment import IncomingPayment, PaymentAllocation
from kiosk.domain.invoice import SapDocumentStatus
from kiosk.domain.money import Money
from kiosk.domain.reports import ReportPeriod
from kiosk.domain.tracking import EventKind, TrackedEvent
from kiosk.services.ports.sync import SyncCursor
from kiosk.services.reports import Reports
from kiosk.services.sync import ENTITIES
from kiosk.storage.channel_moves import note_channel_moves
from kiosk.storage.invoice_store import SqlInvoiceStore
from kiosk.storage.ledger_store import SqlLedgerStore
from kiosk.storage.report_store import SqlReportSource
from kiosk.storage.scaled_decimal import to_scaled
from kiosk.storage.schema_migration import ensure_schema
from kiosk.storage.sync_cursor_store import SqlSyncCursorStore
from kiosk.storage.tables import (
    BillingPreferenceHistoryRow,
    DeliveryRow,
    DisputeRow,
    OutboxRow,
)
from kiosk.storage.tracking_store import SqlTrackingStore
from tests.builders import make_invoice

ON = date(2026, 3, 10)  # a Tuesday


@dataclass(frozen=True)
class Owed:
    doc_entry: int
    currency: str
    total: str
    paid: str
    due: date
    posted: date
    status: str = "open"
    cancelled: bool = False


INVOICES = [
    Owed(1, "MXN", "1000.00", "0", date(2026, 3, 20), date(2026, 2, 18)),
    Owed(2, "MXN", "500.00", "200.00", date(2026, 3, 1), date(2026, 1, 30)),  # partly paid
    Owed(3, "USD", "300.00", "0", date(2026, 1, 20), date(2025, 12, 21)),
    Owed(4, "USD", "120.50", "0", date(2025, 12, 1), date(2025, 11, 1)),
    Owed(5, "MXN", "800.00", "0", date(2026, 1, 5), date(2025, 12, 6)),
    Owed(6, "MXN", "400.00", "400.00", date(2026, 1, 5), date(2025, 12, 6), status="closed"),
    Owed(7, "MXN", "250.00", "0", date(2026, 2, 1), date(2026, 1, 2), cancelled=True),
    Owed(8, "MXN", "100.00", "150.00", date(2026, 2, 1), date(2026, 1, 2)),  # overpaid
    Owed(9, "MXN", "600.00", "0", ON, date(2026, 2, 8)),  # due today: current
    Owed(10, "USD", "75.125", "0", date(2026, 2, 8), date(2026, 1, 9)),  # 30 days late
    Owed(11, "USD", "90.00", "10.00", date(2026, 2, 7), date(2026, 1, 8)),  # 31 days late
]
# (invoice, amount, state): held while open, in review or accepted.
DISPUTES = [
    (4, "20.25", "open"),
    (5, "600.00", "in_review"),
    (5, "400.00", "accepted"),  # with the one above, more than the invoice owes
    (9, "100.00", "rejected"),
    (2, "50.00", "withdrawn"),
    (11, "30.00", "open"),
]
HOLDING = {"open", "in_review", "accepted"}


def cutoff_bucket(due: date, on: date) -> AgeingBucket:
    late = (on - due).days
    for limit, bucket in (
        (0, AgeingBucket.CURRENT),
        (30, AgeingBucket.DAYS_1_30),
        (60, AgeingBucket.DAYS_31_60),
        (90, AgeingBucket.DAYS_61_90),
    ):
        if late <= limit:
            return bucket
    return AgeingBucket.OVER_90


def expected_ageing(on: date) -> dict[str, dict[AgeingBucket, Decimal]]:
    expected: dict[str, dict[AgeingBucket, Decimal]] = {}
    for owed in INVOICES:
        left = Decimal(owed.total) - Decimal(owed.paid)
        if owed.status != "open" or owed.cancelled or left <= 0:
            continue
        held = sum(
            (
                Decimal(a)
                for entry, a, state in DISPUTES
                if entry == owed.doc_entry and state in HOLDING
            ),
            Decimal(0),
        )
        row = expected.setdefault(owed.currency, dict.fromkeys(AgeingBucket, Decimal(0)))
        row[cutoff_bucket(owed.due, on)] += left - min(held, left)
    return expected


# (customer, channel, consent time); ids follow the list's order, as the kiosk writes them.
HISTORY = [
    ("C1", "EMAIL", datetime(2026, 1, 10, 9)),
    ("C4", "BOTH", datetime(2026, 2, 20, 12)),  # registered at the kiosk ...
    ("C2", "PAPER", datetime(2026, 2, 25, 16)),
    ("C4", "EMAIL", datetime(2026, 2, 10, 8)),  # ... then SAP's older value: it lost
    ("C5", "EMAIL", datetime(2026, 3, 3, 9)),
    ("C5", "PAPER", datetime(2026, 3, 3, 15)),  # changed again the same day
    ("C1", "PAPER", datetime(2026, 3, 4, 10)),
    ("C2", "BOTH", datetime(2026, 3, 11, 18)),  # the period's last day
    ("C3", "EMAIL", datetime(2026, 3, 12, 8)),  # after the period
]

# (created at, channel, state)
DELIVERIES = [
    (datetime(2026, 3, 1, 23, 59), "email", "sent"),  # the day before the period
    (datetime(2026, 3, 2, 0, 0), "email", "sent"),
    (datetime(2026, 3, 2, 9, 0), "email", "failed"),
    (datetime(2026, 3, 2, 11, 0), "paper", "listed"),
    (datetime(2026, 3, 2, 12, 0), "paper", "sent"),
    (datetime(2026, 3, 4, 8, 0), "email", "queued"),
    (datetime(2026, 3, 4, 9, 0), "email", "sending"),
    (datetime(2026, 3, 4, 10, 0), "email", "sent"),
    (datetime(2026, 3, 8, 23, 59, 59), "paper", "failed"),
    (datetime(2026, 3, 9, 0, 0), "paper", "sent"),  # the day after
]

# (payment, date, cancelled, invoices paid)
PAYMENTS = [
    (101, date(2026, 3, 1), False, [1]),  # before the period
    (102, date(2026, 3, 3), False, [1, 2]),
    (103, date(2026, 3, 5), False, [3]),
    (104, date(2026, 3, 10), True, [9]),  # cancelled
    (105, date(2026, 3, 12), False, [10, 5]),
    (106, date(2026, 3, 14), False, [4, 11, 3]),
    (107, date(2026, 3, 16), False, [2]),  # after the period
]


@pytest.fixture
def reports(engine: Engine) -> Reports:
    ensure_schema(engine, migrations_path())
    store = SqlInvoiceStore(engine)
    store.upsert_invoices(
        [
            make_invoice(
                owed.doc_entry, customer_code=f"C{owed.doc_entry % 3}", currency=owed.currency,
                total=owed.total, paid_to_date=owed.paid, due_date=owed.due,
                posting_date=owed.posted, document_date=owed.posted,
                net_total=owed.total, tax_total="0",
                sap_status=SapDocumentStatus(owed.status), cancelled=owed.cancelled,
            )
            for owed in INVOICES
        ]
    )  # fmt: skip
    moment = datetime(2026, 3, 1, 8)
    with engine.begin() as connection:
        currency = {owed.doc_entry: owed.currency for owed in INVOICES}
        for entry, amount, state in DISPUTES:
            connection.execute(
                insert(DisputeRow.__table__).values(
                    doc_entry=entry, doc_num=1000 + entry, customer_code="C1", line_number=None,
                    reason="other", comment="", amount=to_scaled(Decimal(amount)),
                    currency=currency[entry], state=state, opened_at=moment, updated_at=moment,
                    language="es",
                )
            )  # fmt: skip
        # One change at a time, then several in one write, as the preference store does.
        for batch in ([HISTORY[0]], [HISTORY[1]], [HISTORY[2]], [HISTORY[3]], HISTORY[4:]):
            note_channel_moves(connection, [
                PreferenceChange(
                    BillingPreference(customer, BillingChannel(channel),
                                      None if channel == "PAPER" else "c@example.mx", consent,
                                      "maria", "MTY"),
                    "kiosk", consent,
                )
                for customer, channel, consent in batch
            ])  # fmt: skip
            for customer, channel, consent in batch:
                connection.execute(
                    insert(BillingPreferenceHistoryRow.__table__).values(
                        customer_code=customer, channel=channel, email=None, consent_at=consent,
                        registered_by="maria", branch="MTY", source="kiosk", recorded_at=consent,
                    )
                )  # fmt: skip
        for created, channel, state in DELIVERIES:
            connection.execute(
                insert(DeliveryRow.__table__).values(
                    doc_entry=1, doc_num=1001, customer_code="C1", channel=channel,
                    reason="requested", destination="x", state=state, requested_by="kiosk",
                    attempts=1, created_at=created, created_day=created.date(),
                    updated_at=created, document="invoice",
                )
            )  # fmt: skip
        for index, state in enumerate(["pending", "pending", "parked", "done", "discarded"]):
            connection.execute(
                insert(OutboxRow.__table__).values(
                    reference=f"ref-{index}", kind="billing_preference", customer_code="C1",
                    payload="{}", state=state, attempts=0, created_at=moment, updated_at=moment,
                )
            )  # fmt: skip
    # Through the ledger store, as sync stores them: it notes the days each invoice waited.
    SqlLedgerStore(engine).store_payments(
        [
            IncomingPayment(
                doc_entry=number, doc_num=number, customer_code="C1", payment_date=paid_on,
                amount=Money(Decimal(10), "MXN"), reference=None, cancelled=cancelled,
                allocations=tuple(PaymentAllocation(entry, Decimal(5)) for entry in entries),
            )
            for number, paid_on, cancelled, entries in PAYMENTS
        ]
    )  # fmt: skip
    return Reports(SqlReportSource(engine), SqlSyncCursorStore(engine))


def test_ageing_is_what_open_invoices_owe_less_held_disputes_per_currency(reports: Reports):
    rows = reports.ageing(ON)

    expected = expected_ageing(ON)
    assert [row.currency for row in rows] == ["MXN", "USD"]
    assert {row.currency: row.amounts for row in rows} == expected
    # The same figures by hand, so the test's own arithmetic is checked too.
    assert expected["MXN"] == {
        AgeingBucket.CURRENT: Decimal("1600.00"),  # 1000 not due + 600 due today
        AgeingBucket.DAYS_1_30: Decimal("300.00"),  # 500 less 200 paid (withdrawn dispute)
        AgeingBucket.DAYS_31_60: Decimal(0),
        AgeingBucket.DAYS_61_90: Decimal(0),  # 800 owed, 1000 disputed: nothing left
        AgeingBucket.OVER_90: Decimal(0),
    }
    usd = next(row for row in rows if row.currency == "USD")
    assert usd.amounts[AgeingBucket.DAYS_1_30] == Decimal("75.125")
    assert usd.amounts[AgeingBucket.DAYS_31_60] == Decimal("350.00")  # 300 + (80 less 30)
    assert usd.amounts[AgeingBucket.OVER_90] == Decimal("100.25")
    assert usd.total == Decimal("525.375")


def test_ageing_moves_amounts_to_later_buckets_as_days_pass(reports: Reports):
    later = ON + timedelta(days=45)

    assert {row.currency: row.amounts for row in reports.ageing(later)} == expected_ageing(later)


def channels_at(moment: datetime) -> Counter[str]:
    latest: dict[str, tuple[datetime, int, str]] = {}
    for index, (customer, channel, consent) in enumerate(HISTORY):
        if consent < moment and (customer not in latest or (consent, index) > latest[customer][:2]):
            latest[customer] = (consent, index, channel)
    return Counter(channel for _consent, _index, channel in latest.values())


def test_adoption_counts_each_customers_latest_channel_at_each_weeks_end(reports: Reports):
    period = ReportPeriod(date(2026, 2, 25), date(2026, 3, 11))

    weeks = reports.adoption(period)

    mondays = [date(2026, 2, 23), date(2026, 3, 2), date(2026, 3, 9)]
    assert [week.week_start for week in weeks] == mondays
    for week in weeks:
        end = min(week.week_start + timedelta(days=6), period.end)
        counts = channels_at(datetime.combine(end + timedelta(days=1), time()))
        assert (week.paper, week.email, week.both) == (
            counts["PAPER"],
            counts["EMAIL"],
            counts["BOTH"],
        )
    assert [(w.paper, w.email, w.both) for w in weeks] == [(1, 1, 1), (3, 0, 1), (2, 0, 2)]


def test_deliveries_are_counted_by_day_channel_and_outcome_within_the_period(reports: Reports):
    period = ReportPeriod(date(2026, 3, 2), date(2026, 3, 8))

    rows = reports.deliveries(period)

    outcome = {"sent": "sent", "failed": "failed"}
    expected = Counter(
        (created.date(), channel, outcome.get(state, "waiting"))
        for created, channel, state in DELIVERIES
        if period.start <= created.date() <= period.end
    )
    assert {(r.day, r.channel, r.outcome): r.count for r in rows} == expected
    assert sum(r.count for r in rows) == 8


def test_usage_has_every_day_of_the_period_from_the_daily_counts(engine: Engine, reports: Reports):
    events = [
        (datetime(2026, 3, 2, 9), EventKind.IDENTIFIED, ""),
        (datetime(2026, 3, 2, 9, 1), EventKind.INVOICE_PRINTED, "sent"),
        (datetime(2026, 3, 2, 9, 2), EventKind.INVOICE_PRINTED, "failed"),
        (datetime(2026, 3, 2, 9, 3), EventKind.STATEMENT_PRINTED, "sent"),
        (datetime(2026, 3, 2, 9, 4), EventKind.IDENTIFICATION_FAILED, ""),
        (datetime(2026, 3, 4, 18), EventKind.IDENTIFIED, ""),
        (datetime(2026, 3, 4, 18, 1), EventKind.INVOICE_EMAILED, "sent"),
        (datetime(2026, 3, 4, 18, 2), EventKind.STATEMENT_EMAILED, "queued"),
        (datetime(2026, 3, 4, 18, 3), EventKind.PAYMENT_REQUESTED, ""),
        (datetime(2026, 3, 4, 18, 4), EventKind.PAYMENT_SETTLED, ""),
        (datetime(2026, 3, 6, 8), EventKind.IDENTIFIED, ""),  # after the period
    ]
    store = SqlTrackingStore(engine, kiosk_number=1)
    for at, kind, outcome in events:
        store.record(TrackedEvent(kind, at, "C1", outcome=outcome))
    period = ReportPeriod(date(2026, 3, 1), date(2026, 3, 5))

    days = reports.usage(period)

    groups = {
        "lookups": {"identified"},
        "prints": {"invoice_printed", "statement_printed"},
        "emails": {"invoice_emailed", "statement_emailed"},
        "payments": {"payment_requested"},
    }
    assert [d.day for d in days] == [date(2026, 3, 1) + timedelta(days=n) for n in range(5)]
    for day in days:
        for name, kinds in groups.items():
            expected = sum(1 for at, k, _ in events if at.date() == day.day and k.value in kinds)
            assert getattr(day, name) == expected
    assert (days[1].lookups, days[1].prints, days[3].emails, days[3].payments) == (1, 3, 2, 1)


def test_payment_delays_are_medians_of_days_from_posting_to_payment(reports: Reports):
    period = ReportPeriod(date(2026, 3, 2), date(2026, 3, 15))

    delays = reports.payment_delays(period)

    posted = {owed.doc_entry: owed.posted for owed in INVOICES}
    by_week: dict[date, list[int]] = {}
    paid: Counter[date] = Counter()
    for _number, paid_on, cancelled, entries in PAYMENTS:
        if cancelled or not period.start <= paid_on <= period.end:
            continue
        monday = paid_on - timedelta(days=paid_on.weekday())
        paid[monday] += 1
        by_week.setdefault(monday, []).extend((paid_on - posted[e]).days for e in entries)
    every = [days for values in by_week.values() for days in values]
    assert delays.payments == sum(paid.values()) == 4
    assert delays.median_days == Decimal(str(statistics.median(every)))
    assert [(w.week_start, w.payments, w.median_days) for w in delays.weeks] == [
        (monday, paid[monday], Decimal(str(statistics.median(values))))
        for monday, values in sorted(by_week.items())
    ]
    assert delays.weeks[0].median_days == Decimal("32")  # 13, 32, 74


def test_a_payment_stored_again_replaces_its_share_of_the_delays(engine: Engine, reports: Reports):
    """Sync stores a payment again when SAP cancels it, or a full pass re-reads it."""
    period = ReportPeriod(date(2026, 3, 2), date(2026, 3, 15))
    before = reports.payment_delays(period)
    ledger = SqlLedgerStore(engine)

    def payment_106(*, cancelled: bool, entries: tuple[int, ...]) -> IncomingPayment:
        return IncomingPayment(
            doc_entry=106, doc_num=106, customer_code="C1", payment_date=date(2026, 3, 14),
            amount=Money(Decimal(15), "MXN"), reference=None, cancelled=cancelled,
            allocations=tuple(PaymentAllocation(entry, Decimal(5)) for entry in entries),
        )  # fmt: skip

    ledger.store_payments([payment_106(cancelled=True, entries=(4, 11, 3))])
    cancelled = reports.payment_delays(period)
    ledger.store_payments([payment_106(cancelled=False, entries=(4, 11, 3))])

    assert cancelled.payments == before.payments - 1
    # 106 was one of two payments of the week of 9 March, with invoices 4, 11 and 3.
    assert [w.payments for w in cancelled.weeks] == [2, 1]
    assert [w.payments for w in before.weeks] == [2, 2]
    assert reports.payment_delays(period) == before


def test_payment_delays_of_a_period_without_payments(reports: Reports):
    delays = reports.payment_delays(ReportPeriod(date(2025, 1, 1), date(2025, 1, 31)))

    assert (delays.weeks, delays.payments, delays.median_days) == ((), 0, None)


def test_sync_health_names_each_entity_and_the_changes_waiting(engine: Engine, reports: Reports):
    pulled = datetime(2026, 3, 10, 7, 55)
    cursors = SqlSyncCursorStore(engine)
    cursors.save_cursor(SyncCursor("invoices", watermark=pulled, last_success_at=pulled))
    cursors.save_cursor(SyncCursor("payments", last_error="SAP answered 503"))
    cursors.save_cursor(SyncCursor("delivery", watermark=pulled, last_success_at=pulled))

    health = reports.sync_health()

    known = {"invoices": (pulled, None), "payments": (None, "SAP answered 503")}
    assert [(e.entity, e.last_success_at, e.last_error) for e in health.entities] == [
        (entity, *known.get(entity, (None, None))) for entity in ENTITIES
    ]  # every entity the sync pulls, in its order; the delivery cursor is no pull
    assert (health.pending_changes, health.parked_changes) == (2, 1)
