"""The reports' aggregates in SQL: the database sums and groups, Python gets a few hundred rows.

Each query is served by an index (migration 0011): open invoices by currency and due date, the
deliveries by creation time, the daily event counts by day, the payments by date.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any, cast

from sqlalchemy import (
    Date,
    Engine,
    Table,
    and_,
    case,
    false,
    func,
    literal,
    select,
    type_coerce,
    union_all,
)

from kiosk.domain.outbox import OutboxState
from kiosk.services.ports.reports import (
    ChannelChange,
    DelayCount,
    DeliveryCount,
    EventCount,
    OpenAmount,
    PaymentCount,
)
from kiosk.storage.database import connected
from kiosk.storage.dispute_store import HOLDING
from kiosk.storage.scaled_decimal import from_scaled
from kiosk.storage.tables import (
    BillingPreferenceHistoryRow,
    DeliveryRow,
    DisputeRow,
    IncomingPaymentRow,
    InvoiceRow,
    OutboxRow,
    PaymentAllocationRow,
    TrackingDayRow,
)

history = cast(Table, BillingPreferenceHistoryRow.__table__)
deliveries = cast(Table, DeliveryRow.__table__)
disputes = cast(Table, DisputeRow.__table__)
payments = cast(Table, IncomingPaymentRow.__table__)
allocations = cast(Table, PaymentAllocationRow.__table__)
invoices = cast(Table, InvoiceRow.__table__)
outbox = cast(Table, OutboxRow.__table__)
tracking_days = cast(Table, TrackingDayRow.__table__)


def open_invoice() -> Any:
    """The condition of an invoice SAP still holds open; the same terms as the partial index
    ix_invoices_open_due (a partial index serves only queries that repeat its condition)."""
    return and_(invoices.c.sap_status == "open", invoices.c.cancelled == false())


class SqlReportSource:
    """Read-only aggregates, each one short read."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def channel_changes(self, until: date) -> list[ChannelChange]:
        # A customer's channel is that of their latest change by consent time: a value SAP
        # sent that is older than the kiosk's registration lost to it (see preferences.py).
        spans = select(
            history.c.channel,
            history.c.consent_at.label("started"),
            func.lead(history.c.consent_at)
            .over(
                partition_by=history.c.customer_code,
                order_by=(history.c.consent_at, history.c.id),
            )
            .label("ended"),
        ).cte("spans")
        before = _start_of(until + timedelta(days=1))
        moves = union_all(
            select(
                _day(spans.c.started).label("day"), spans.c.channel, literal(1).label("change")
            ).where(spans.c.started < before),
            select(_day(spans.c.ended), spans.c.channel, literal(-1)).where(spans.c.ended < before),
        ).subquery("moves")
        query = (
            select(moves.c.day, moves.c.channel, func.sum(moves.c.change))
            .group_by(moves.c.day, moves.c.channel)
            .order_by(moves.c.day)
        )
        with connected(self._engine) as connection:
            return [
                ChannelChange(_as_date(day), channel, int(change))
                for day, channel, change in connection.execute(query)
                if change
            ]

    def delivery_counts(self, start: date, end: date) -> list[DeliveryCount]:
        day = _day(deliveries.c.created_at)
        query = (
            select(day, deliveries.c.channel, deliveries.c.state, func.count())
            .where(
                deliveries.c.created_at >= _start_of(start),
                deliveries.c.created_at < _start_of(end + timedelta(days=1)),
            )
            .group_by(day, deliveries.c.channel, deliveries.c.state)
        )
        with connected(self._engine) as connection:
            return [
                DeliveryCount(_as_date(row[0]), row[1], row[2], int(row[3]))
                for row in connection.execute(query)
            ]

    def open_amounts(self) -> list[OpenAmount]:
        left = invoices.c.total - invoices.c.paid_to_date
        owing = and_(open_invoice(), invoices.c.total > invoices.c.paid_to_date)
        owed = (
            select(invoices.c.currency, invoices.c.due_date, func.sum(left))
            .where(owing)
            .group_by(invoices.c.currency, invoices.c.due_date)
        )
        held = (
            select(disputes.c.doc_entry, func.sum(disputes.c.amount).label("held"))
            .where(disputes.c.state.in_(HOLDING))
            .group_by(disputes.c.doc_entry)
            .subquery("held")
        )
        disputed = (
            select(
                invoices.c.currency,
                invoices.c.due_date,
                # A dispute never takes out more than the invoice still owes.
                func.sum(case((held.c.held < left, held.c.held), else_=left)),
            )
            .select_from(held.join(invoices, invoices.c.doc_entry == held.c.doc_entry))
            .where(owing)
            .group_by(invoices.c.currency, invoices.c.due_date)
        )
        with connected(self._engine) as connection:
            amounts = {
                (currency, _as_date(due)): [int(total), 0]
                for currency, due, total in connection.execute(owed)
            }
            for currency, due, total in connection.execute(disputed):
                amounts[(currency, _as_date(due))][1] = int(total)
        return [
            OpenAmount(currency, due, from_scaled(owed_total), from_scaled(held_total))
            for (currency, due), (owed_total, held_total) in sorted(amounts.items())
        ]

    def event_counts(self, start: date, end: date) -> list[EventCount]:
        days = tracking_days.c
        query = select(days.day, days.kind, days.outcome, days.count).where(
            days.day.between(start, end)
        )
        with connected(self._engine) as connection:
            return [
                EventCount(day, kind, outcome, int(count))
                for day, kind, outcome, count in connection.execute(query)
            ]

    def delay_counts(self, start: date, end: date) -> list[DelayCount]:
        waited = self._days_between(invoices.c.posting_date, payments.c.payment_date)
        query = (
            self._paid_invoices(start, end, payments.c.payment_date, waited, func.count())
            .group_by(payments.c.payment_date, waited)
        )  # fmt: skip
        with connected(self._engine) as connection:
            return [
                DelayCount(_as_date(day), int(days), int(count))
                for day, days, count in connection.execute(query)
            ]

    def payment_counts(self, start: date, end: date) -> list[PaymentCount]:
        applied = select(allocations.c.payment_entry).where(
            allocations.c.payment_entry == payments.c.doc_entry
        )
        query = (
            select(payments.c.payment_date, func.count())
            .where(
                payments.c.payment_date.between(start, end),
                payments.c.cancelled == false(),
                applied.exists(),
            )
            .group_by(payments.c.payment_date)
        )
        with connected(self._engine) as connection:
            return [
                PaymentCount(_as_date(day), int(count)) for day, count in connection.execute(query)
            ]

    def waiting_changes(self) -> dict[str, int]:
        """How many outbox entries are pending and parked."""
        waiting = (OutboxState.PENDING.value, OutboxState.PARKED.value)
        query = (
            select(outbox.c.state, func.count())
            .where(outbox.c.state.in_(waiting))
            .group_by(outbox.c.state)
        )
        with connected(self._engine) as connection:
            return {state: int(count) for state, count in connection.execute(query)}

    def _paid_invoices(self, start: date, end: date, *columns: Any) -> Any:
        """The invoices that payments dated in the period paid (payments not cancelled)."""
        return (
            select(*columns)
            .select_from(
                payments.join(allocations, allocations.c.payment_entry == payments.c.doc_entry)
                .join(invoices, invoices.c.doc_entry == allocations.c.invoice_doc_entry)
            )
            .where(payments.c.payment_date.between(start, end), payments.c.cancelled == false())
        )  # fmt: skip

    def _days_between(self, earlier: Any, later: Any) -> Any:
        if self._engine.dialect.name == "sqlite":
            # Whole days between two dates, as a float with nothing after the point.
            return func.julianday(later) - func.julianday(earlier)
        return later - earlier  # PostgreSQL: date minus date is a number of days


def _day(moment: Any) -> Any:
    """The date of a timestamp column; date() is the same function in SQLite and PostgreSQL."""
    return type_coerce(func.date(moment), Date)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time())


def _as_date(value: date | str) -> date:
    # SQLite hands back what date() made (text) when the type is lost in a union.
    return value if isinstance(value, date) else date.fromisoformat(value)
