"""Tracking events on a real database: each event with its day's count, purged in batches."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select

from kiosk.bundled_files import migrations_path
from kiosk.domain.tracking import EventKind, TrackedEvent
from kiosk.services.tracking import Tracking, TrackingRetention
from kiosk.storage.schema_migration import ensure_schema
from kiosk.storage.tables import TrackingDayRow, TrackingEventRow
from kiosk.storage.tracking_store import SqlTrackingStore
from tests.fakes.mutable_clock import MutableClock


@pytest.fixture
def tracking_store(engine: Engine) -> SqlTrackingStore:
    ensure_schema(engine, migrations_path())
    return SqlTrackingStore(engine, kiosk_number=7)


def stored_events(engine: Engine) -> list[tuple[object, ...]]:
    table = TrackingEventRow.__table__
    with engine.connect() as connection:
        rows = connection.execute(
            select(table.c.at, table.c.kind, table.c.customer_code, table.c.channel,
                   table.c.outcome, table.c.kiosk_number).order_by(table.c.id)
        )  # fmt: skip
        return [tuple(row) for row in rows]


def day_counts(engine: Engine) -> dict[tuple[date, str, str], int]:
    table = TrackingDayRow.__table__
    with engine.connect() as connection:
        rows = connection.execute(select(table.c.day, table.c.kind, table.c.outcome, table.c.count))
        return {(day, kind, outcome): count for day, kind, outcome, count in rows}


def test_an_event_is_kept_with_its_kiosk_and_counted_in_its_day(
    engine: Engine, tracking_store: SqlTrackingStore
):
    morning, evening = datetime(2026, 3, 2, 9, 15), datetime(2026, 3, 2, 21, 40)
    tracking_store.record(TrackedEvent(EventKind.IDENTIFIED, morning, "C001"))
    tracking_store.record(TrackedEvent(EventKind.IDENTIFIED, evening, "C002"))
    tracking_store.record(
        TrackedEvent(EventKind.INVOICE_PRINTED, evening, "C002", "paper", "failed")
    )
    tracking_store.record(TrackedEvent(EventKind.IDENTIFIED, datetime(2026, 3, 3, 8), None))

    assert stored_events(engine)[2] == (evening, "invoice_printed", "C002", "paper", "failed", 7)
    assert day_counts(engine) == {
        (date(2026, 3, 2), "identified", ""): 2,
        (date(2026, 3, 2), "invoice_printed", "failed"): 1,
        (date(2026, 3, 3), "identified", ""): 1,
    }


def test_purging_deletes_only_older_events_in_batches_and_the_days_before(
    engine: Engine, tracking_store: SqlTrackingStore
):
    start = datetime(2025, 1, 1, 12)
    for index in range(23):  # one a day, 1 January to 23 January
        tracking_store.record(
            TrackedEvent(EventKind.INVOICE_VIEWED, start + timedelta(days=index), "C1")
        )
    cutoff = datetime(2025, 1, 11, 0, 0)  # ten events are older: 1 to 10 January

    deleted = tracking_store.purge_before(cutoff, batch=3)

    assert deleted == 10
    remaining = stored_events(engine)
    assert len(remaining) == 13 and min(row[0] for row in remaining) == datetime(2025, 1, 11, 12)
    assert min(day for day, _kind, _outcome in day_counts(engine)) == date(2025, 1, 11)
    assert tracking_store.purge_before(cutoff, batch=3) == 0


def test_retention_purges_past_keep_days_once_a_day(
    engine: Engine, tracking_store: SqlTrackingStore
):
    clock = MutableClock(datetime(2026, 6, 1, 3, 0))
    tracking = Tracking(tracking_store, clock)
    for days_ago in (500, 401, 399, 1):
        clock.current = datetime(2026, 6, 1, 3, 0) - timedelta(days=days_ago)
        tracking.record(EventKind.IDENTIFIED, "C9")
    clock.current = datetime(2026, 6, 1, 3, 0)
    retention = TrackingRetention(tracking_store, clock, keep_days=400, batch=1)

    assert retention.purge_if_due() == 2
    tracking.record(EventKind.IDENTIFIED, "C9")
    clock.current = datetime(2026, 6, 1, 23, 0)
    assert retention.purge_if_due() == 0  # done today already
    with engine.connect() as connection:
        left = connection.execute(select(func.count()).select_from(TrackingEventRow.__table__))
        assert left.scalar_one() == 3
