"""The tracking tables: each event, and its day's count kept up to date in the same transaction."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import Date, Engine, Integer, String, Table, bindparam, delete, insert, select, text

from kiosk.domain.tracking import TrackedEvent
from kiosk.storage.database import unavailable_on_driver_error
from kiosk.storage.tables import TrackingDayRow, TrackingEventRow

events = cast(Table, TrackingEventRow.__table__)
days = cast(Table, TrackingDayRow.__table__)

# The same statement on SQLite and PostgreSQL; typed parameters, so dates are bound portably.
_COUNT_THE_DAY = text(
    "INSERT INTO tracking_days (day, kind, outcome, count) VALUES (:day, :kind, :outcome, 1) "
    "ON CONFLICT (day, kind, outcome) DO UPDATE SET count = tracking_days.count + 1"
).bindparams(
    bindparam("day", type_=Date),
    bindparam("kind", type_=String),
    bindparam("outcome", type_=String),
)


class SqlTrackingStore:
    """Writes events of one kiosk (its `kiosk_number`), each in one short transaction."""

    def __init__(self, engine: Engine, *, kiosk_number: int) -> None:
        self._engine = engine
        self._kiosk_number = kiosk_number

    def record(self, event: TrackedEvent) -> None:
        with unavailable_on_driver_error(self._engine), self._engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                # A customer waits on this commit; a server crash may lose the last events,
                # which only count what happened, never the event without its day's count.
                connection.exec_driver_sql("SET LOCAL synchronous_commit = off")
            connection.execute(
                insert(events).values(
                    at=event.at, kind=event.kind.value, customer_code=event.customer_code,
                    channel=event.channel, outcome=event.outcome, kiosk_number=self._kiosk_number,
                )
            )  # fmt: skip
            connection.execute(
                _COUNT_THE_DAY,
                {"day": event.at.date(), "kind": event.kind.value, "outcome": event.outcome},
            )

    def purge_before(self, cutoff: datetime, *, batch: int) -> int:
        # Short transactions: a kiosk writing events meanwhile waits for one batch at most.
        # Ordered by time, so the index on it finds the old ones: by id, SQLite would read every
        # event from the first to learn that none is old.
        oldest = (
            select(events.c.id)
            .where(events.c.at < cutoff)
            .order_by(events.c.at)
            .limit(bindparam("batch", type_=Integer))
        )
        deleted = 0
        while True:
            with unavailable_on_driver_error(self._engine), self._engine.begin() as connection:
                gone = connection.execute(
                    delete(events).where(events.c.id.in_(oldest)), {"batch": batch}
                ).rowcount
            deleted += gone
            if gone < batch:
                break
        with unavailable_on_driver_error(self._engine), self._engine.begin() as connection:
            connection.execute(delete(days).where(days.c.day < cutoff.date()))
        return deleted
