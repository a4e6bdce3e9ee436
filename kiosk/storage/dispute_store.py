"""Disputes and their timelines in the local database, with the amounts they hold per invoice."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, Engine, Table, func, insert, select, update

from kiosk.domain.delivery import Delivery
from kiosk.domain.dispute import (
    Dispute,
    DisputeEvent,
    DisputeReason,
    DisputeRefused,
    DisputeState,
)
from kiosk.domain.money import Money
from kiosk.domain.outbox import OutboxEntry
from kiosk.services.ports.disputes import DisputeNotice
from kiosk.storage.database import connected, transaction
from kiosk.storage.delivery_store import insert_delivery
from kiosk.storage.outbox_store import insert_outbox_entry
from kiosk.storage.scaled_decimal import from_scaled, to_scaled
from kiosk.storage.tables import DisputeEventRow, DisputeRow

disputes = cast(Table, DisputeRow.__table__)
events = cast(Table, DisputeEventRow.__table__)
HOLDING = [state.value for state in DisputeState if state.holds_the_amount]


def disputed_amount(doc_entry: Any) -> Any:
    """A column: what open, in-review and accepted disputes take out of that invoice, in
    millionths (a correlated subquery the doc_entry and state index serves)."""
    return (
        select(func.coalesce(func.sum(disputes.c.amount), 0))
        .where(disputes.c.doc_entry == doc_entry, disputes.c.state.in_(HOLDING))
        .scalar_subquery()
        .label("disputed")
    )


class SqlDisputeStore:
    """Each call is one short transaction."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add_dispute(
        self,
        dispute: Dispute,
        activity: Callable[[int], OutboxEntry],
        notice: Delivery | None = None,
        flag: OutboxEntry | None = None,
    ) -> Dispute:
        with transaction(self._engine) as connection:
            # Checked again inside the transaction: two kiosks may dispute the same line.
            taken = connection.execute(
                select(disputes.c.line_number).where(
                    disputes.c.doc_entry == dispute.doc_entry, disputes.c.state.in_(HOLDING)
                )
            ).scalars()
            held = set(taken)
            whole = dispute.line_number is None
            if dispute.line_number in held or None in held or (whole and held):
                raise DisputeRefused(
                    f"invoice {dispute.doc_num} already has an open dispute for that amount"
                )
            new_id = connection.execute(
                insert(disputes).values(
                    doc_entry=dispute.doc_entry, doc_num=dispute.doc_num,
                    customer_code=dispute.customer_code, line_number=dispute.line_number,
                    reason=dispute.reason.value, comment=dispute.comment,
                    amount=to_scaled(dispute.amount.amount), currency=dispute.amount.currency,
                    state=dispute.state.value, opened_at=dispute.opened_at,
                    updated_at=dispute.opened_at, credit_note=None, language=dispute.language,
                )
            ).inserted_primary_key  # fmt: skip
            assert new_id is not None
            dispute_id = int(new_id[0])
            first = dispute.events[-1]
            self._add_event(connection, dispute_id, first, activity(dispute_id), notice, flag)
        found = self.dispute(dispute_id)
        assert found is not None
        return found

    def save_step(
        self,
        dispute: Dispute,
        activity: OutboxEntry,
        notice: Delivery | None = None,
        flag: OutboxEntry | None = None,
    ) -> Dispute:
        assert dispute.id is not None
        event = dispute.events[-1]
        previous = dispute.events[-2].state.value if len(dispute.events) > 1 else None
        with transaction(self._engine) as connection:
            moved = connection.execute(
                update(disputes)
                .where(disputes.c.id == dispute.id, disputes.c.state == previous)
                .values(state=dispute.state.value, updated_at=event.at,
                        credit_note=dispute.credit_note)
            ).rowcount  # fmt: skip
            if moved != 1:
                raise DisputeRefused(f"dispute {dispute.number} was changed meanwhile: look again")
            self._add_event(connection, dispute.id, event, activity, notice, flag)
        found = self.dispute(dispute.id)
        assert found is not None
        return found

    def dispute(self, dispute_id: int) -> Dispute | None:
        found = self._many(select(disputes).where(disputes.c.id == dispute_id))
        return found[0] if found else None

    def disputes(
        self,
        *,
        state: DisputeState | None = None,
        customer_code: str | None = None,
        doc_entry: int | None = None,
        opened_before: datetime | None = None,
        limit: int = 200,
    ) -> list[Dispute]:
        query = select(disputes).order_by(disputes.c.id.desc()).limit(limit)
        if state is not None:
            query = query.where(disputes.c.state == state.value)
        if customer_code is not None:
            query = query.where(disputes.c.customer_code == customer_code)
        if doc_entry is not None:
            query = query.where(disputes.c.doc_entry == doc_entry)
        if opened_before is not None:
            query = query.where(disputes.c.opened_at < opened_before)
        return self._many(query)

    def event_ids(self, dispute_id: int) -> list[int]:
        query = select(events.c.id).where(events.c.dispute_id == dispute_id).order_by(events.c.id)
        with connected(self._engine) as connection:
            return list(connection.execute(query).scalars())

    def notice(self, event_id: int) -> DisputeNotice | None:
        with connected(self._engine) as connection:
            row = connection.execute(select(events).where(events.c.id == event_id)).first()
        if row is None:
            return None
        dispute = self.dispute(row.dispute_id)
        return None if dispute is None else DisputeNotice(dispute, _event(row), row.id)

    def unseen_notices(self, customer_code: str) -> list[DisputeNotice]:
        query = (
            select(events.c.id)
            .join(disputes, disputes.c.id == events.c.dispute_id)
            .where(disputes.c.customer_code == customer_code, events.c.shown_at.is_(None))
            .order_by(events.c.id)
        )
        with connected(self._engine) as connection:
            ids = list(connection.execute(query).scalars())
        return [notice for event_id in ids if (notice := self.notice(event_id)) is not None]

    def mark_seen(self, event_ids: list[int], at: datetime) -> None:
        if not event_ids:
            return
        with transaction(self._engine) as connection:
            connection.execute(
                update(events)
                .where(events.c.id.in_(event_ids), events.c.shown_at.is_(None))
                .values(shown_at=at)
            )

    def accepted_for(self, doc_entries: list[int]) -> list[Dispute]:
        if not doc_entries:
            return []
        return self._many(
            select(disputes)
            .where(
                disputes.c.doc_entry.in_(doc_entries),
                disputes.c.state == DisputeState.ACCEPTED.value,
            )
            .order_by(disputes.c.id)
        )

    # --- plumbing --------------------------------------------------------------------------

    def _add_event(
        self,
        connection: Connection,
        dispute_id: int,
        event: DisputeEvent,
        activity: OutboxEntry,
        notice: Delivery | None,
        flag: OutboxEntry | None,
    ) -> None:
        new_id = connection.execute(
            insert(events).values(
                dispute_id=dispute_id, state=event.state.value, note=event.note, by=event.by,
                at=event.at, shown_at=None,
            )
        ).inserted_primary_key  # fmt: skip
        assert new_id is not None
        insert_outbox_entry(connection, activity)
        if flag is not None:
            insert_outbox_entry(connection, flag)
        if notice is not None:
            insert_delivery(connection, replace(notice, reference=str(new_id[0])))

    def _many(self, query: Any) -> list[Dispute]:
        with connected(self._engine) as connection:
            rows = connection.execute(query).all()
            ids = [row.id for row in rows]
            timeline: dict[int, list[DisputeEvent]] = defaultdict(list)
            if ids:
                for event in connection.execute(
                    select(events).where(events.c.dispute_id.in_(ids)).order_by(events.c.id)
                ):
                    timeline[event.dispute_id].append(_event(event))
        return [
            Dispute(
                id=row.id, doc_entry=row.doc_entry, doc_num=row.doc_num,
                customer_code=row.customer_code, line_number=row.line_number,
                reason=DisputeReason(row.reason), comment=row.comment,
                amount=Money(from_scaled(row.amount), row.currency),
                state=DisputeState(row.state), opened_at=row.opened_at,
                events=tuple(timeline[row.id]), credit_note=row.credit_note,
                language=row.language,
            )
            for row in rows
        ]  # fmt: skip


def _event(row: Any) -> DisputeEvent:
    return DisputeEvent(DisputeState(row.state), row.note, row.by, row.at)
