"""The reports' aggregates in SQL: the database sums and groups, Python gets a few hundred rows.

Each query reads an index (migration 0011: open invoices by currency and due date, deliveries by
the day they were created) or counts kept as the rows they count are written: events per day
(tracking_days), customers moved between channels per day (channel_moves), invoices paid per
day and wait (payment_waits).
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from sqlalchemy import Engine, Table, and_, case, false, func, select

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
    ChannelMoveRow,
    DeliveryRow,
    DisputeRow,
    InvoiceRow,
    OutboxRow,
    PaymentWaitRow,
    TrackingDayRow,
)

moves = cast(Table, ChannelMoveRow.__table__)
deliveries = cast(Table, DeliveryRow.__table__)
disputes = cast(Table, DisputeRow.__table__)
waits = cast(Table, PaymentWaitRow.__table__)
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
        # Kept with each preference change (channel_moves.py), so nothing is replayed here.
        query = (
            select(moves.c.day, moves.c.channel, moves.c.change)
            .where(moves.c.day <= until, moves.c.change != 0)
            .order_by(moves.c.day, moves.c.channel)
        )
        with connected(self._engine) as connection:
            return [
                ChannelChange(day, channel, int(change))
                for day, channel, change in connection.execute(query)
            ]

    def delivery_counts(self, start: date, end: date) -> list[DeliveryCount]:
        day = deliveries.c.created_day
        query = (
            select(day, deliveries.c.channel, deliveries.c.state, func.count())
            .where(day.between(start, end))
            .group_by(day, deliveries.c.channel, deliveries.c.state)
        )
        with connected(self._engine) as connection:
            return [
                DeliveryCount(row[0], row[1], row[2], int(row[3]))
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
        # By week in the database: a year of days would hand Python some 30,000 rows.
        query = (
            select(waits.c.week_start, waits.c.days_waited, func.sum(waits.c.invoices))
            .where(waits.c.payment_date.between(start, end))
            .group_by(waits.c.week_start, waits.c.days_waited)
        )
        with connected(self._engine) as connection:
            return [
                DelayCount(week, int(days), int(count))
                for week, days, count in connection.execute(query)
                if count
            ]

    def payment_counts(self, start: date, end: date) -> list[PaymentCount]:
        query = (
            select(waits.c.payment_date, func.sum(waits.c.payments))
            .where(waits.c.payment_date.between(start, end))
            .group_by(waits.c.payment_date)
        )
        with connected(self._engine) as connection:
            return [
                PaymentCount(day, int(count)) for day, count in connection.execute(query) if count
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


def _as_date(value: date | str) -> date:
    # SQLite hands back what date() made (text) when the type is lost in a union.
    return value if isinstance(value, date) else date.fromisoformat(value)
