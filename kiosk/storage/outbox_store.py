"""The outbox table: entries waiting for SAP, their attempts, and how each one ended."""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    Connection,
    Engine,
    Row,
    Table,
    and_,
    exists,
    func,
    insert,
    or_,
    select,
    true,
    update,
)

from kiosk.domain.outbox import OutboxEntry, OutboxState
from kiosk.storage.database import unavailable_on_driver_error
from kiosk.storage.tables import OutboxRow

outbox = cast(Table, OutboxRow.__table__)
_OPEN = (OutboxState.PENDING.value, OutboxState.PARKED.value)


def insert_outbox_entry(connection: Connection, entry: OutboxEntry) -> None:
    """Add an entry inside the caller's transaction, beside the change it carries."""
    connection.execute(
        insert(outbox).values(
            reference=entry.reference,
            kind=entry.kind,
            customer_code=entry.customer_code,
            payload=entry.payload_text(),
            state=entry.state.value,
            attempts=entry.attempts,
            next_attempt_at=entry.next_attempt_at,
            created_at=entry.created_at,
            updated_at=entry.created_at,
        )
    )


class SqlOutboxStore:
    """Outbox entries in the local database; every change is its own short transaction."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def due_entries(
        self, now: datetime | None, *, waived_codes: Collection[str] = ()
    ) -> list[OutboxEntry]:
        """Pending entries due by `now` (every one when None) or held back by an error whose
        code is waived, oldest first, leaving out any with an older pending entry of the same
        customer still waiting (so each customer's changes stay in order)."""
        earlier = outbox.alias("earlier")
        due = true() if now is None else outbox.c.next_attempt_at <= now
        if waived_codes:
            due = or_(due, outbox.c.last_error_code.in_(list(waived_codes)))
        query = (
            select(outbox)
            .where(
                outbox.c.state == OutboxState.PENDING.value,
                due,
                ~exists().where(
                    and_(
                        earlier.c.customer_code == outbox.c.customer_code,
                        earlier.c.state == OutboxState.PENDING.value,
                        earlier.c.id < outbox.c.id,
                    )
                ),
            )
            .order_by(outbox.c.id)
        )
        return self._entries(query)

    def open_entries(self) -> list[OutboxEntry]:
        return self._entries(select(outbox).where(outbox.c.state.in_(_OPEN)).order_by(outbox.c.id))

    def entry(self, entry_id: int) -> OutboxEntry | None:
        found = self._entries(select(outbox).where(outbox.c.id == entry_id))
        return found[0] if found else None

    def counts(self) -> dict[str, int]:
        """How many entries are pending and parked (done ones pile up: they are not counted)."""
        query = (
            select(outbox.c.state, func.count())
            .where(outbox.c.state.in_(_OPEN))
            .group_by(outbox.c.state)
        )
        with unavailable_on_driver_error(self._engine), self._engine.connect() as connection:
            return {state: int(count) for state, count in connection.execute(query)}

    def start_attempt(self, entry_id: int, now: datetime) -> None:
        self._update(entry_id, now, attempts=outbox.c.attempts + 1, last_attempt_at=now)

    def mark_done(self, entry_id: int, now: datetime) -> None:
        self._update(
            entry_id, now, state=OutboxState.DONE.value, done_at=now, next_attempt_at=None,
            last_error_code=None, last_error_message=None,
        )  # fmt: skip

    def park(self, entry_id: int, code: str | None, message: str, now: datetime) -> None:
        self._update(
            entry_id, now, state=OutboxState.PARKED.value, next_attempt_at=None,
            last_error_code=code, last_error_message=message,
        )  # fmt: skip

    def retry_later(
        self, entry_id: int, at: datetime, code: str | None, message: str, now: datetime
    ) -> None:
        self._update(
            entry_id, now, next_attempt_at=at, last_error_code=code, last_error_message=message
        )

    def requeue(self, entry_id: int, note: str, now: datetime) -> OutboxEntry:
        self._update(
            entry_id, now, state=OutboxState.PENDING.value, next_attempt_at=now, resolution=note
        )
        return self._existing(entry_id)

    def discard(self, entry_id: int, note: str, now: datetime) -> OutboxEntry:
        self._update(
            entry_id, now, state=OutboxState.DISCARDED.value, next_attempt_at=None,
            resolution=note, done_at=now,
        )  # fmt: skip
        return self._existing(entry_id)

    def _existing(self, entry_id: int) -> OutboxEntry:
        entry = self.entry(entry_id)
        if entry is None:
            raise LookupError(f"outbox entry {entry_id} vanished")
        return entry

    def _update(self, entry_id: int, now: datetime, **values: Any) -> None:
        with unavailable_on_driver_error(self._engine), self._engine.begin() as connection:
            connection.execute(
                update(outbox).where(outbox.c.id == entry_id).values(updated_at=now, **values)
            )

    def _entries(self, query: Any) -> list[OutboxEntry]:
        with unavailable_on_driver_error(self._engine), self._engine.connect() as connection:
            return [outbox_entry_from_row(row) for row in connection.execute(query)]


def outbox_entry_from_row(row: Row[Any]) -> OutboxEntry:
    return OutboxEntry(
        id=row.id,
        reference=row.reference,
        kind=row.kind,
        customer_code=row.customer_code,
        payload=json.loads(row.payload),
        state=OutboxState(row.state),
        attempts=row.attempts,
        created_at=row.created_at,
        next_attempt_at=row.next_attempt_at,
        last_attempt_at=row.last_attempt_at,
        last_error_code=row.last_error_code,
        last_error_message=row.last_error_message,
        resolution=row.resolution,
    )
