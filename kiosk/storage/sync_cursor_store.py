"""Where each entity's pull from SAP stands, kept in the sync_cursors table."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any, cast

from sqlalchemy import Engine, Row, Table, select

from kiosk.services.ports.sync import SyncCursor
from kiosk.storage.bulk_upsert import BulkUpsert
from kiosk.storage.database import unavailable_on_driver_error
from kiosk.storage.mapping import cursor_values
from kiosk.storage.tables import SyncCursorRow

cursors = cast(Table, SyncCursorRow.__table__)


class SqlSyncCursorStore:
    """Reads and replaces sync cursors, one short transaction each."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._rows = BulkUpsert(engine, cursors, ["entity"])

    def cursor(self, entity: str) -> SyncCursor | None:
        with unavailable_on_driver_error(self._engine), self._engine.connect() as connection:
            row = connection.execute(select(cursors).where(cursors.c.entity == entity)).first()
        return _cursor(row) if row else None

    def cursors(self) -> list[SyncCursor]:
        with unavailable_on_driver_error(self._engine), self._engine.connect() as connection:
            return [_cursor(row) for row in connection.execute(select(cursors).order_by("entity"))]

    def save_cursor(self, cursor: SyncCursor) -> None:
        with unavailable_on_driver_error(self._engine), self._engine.begin() as connection:
            self._rows.execute(connection, [cursor_values(cursor)])


def _cursor(row: Row[Any]) -> SyncCursor:
    watermark = None
    if row.watermark_date is not None:
        watermark = datetime.combine(row.watermark_date, row.watermark_time or time())
    return SyncCursor(
        entity=row.entity,
        watermark=watermark,
        last_key=row.last_key,
        last_success_at=row.last_success_at,
        last_error=row.last_error,
        stored_windows=_windows(row.done_ranges),
    )


def _windows(text: str | None) -> tuple[tuple[int, int], ...]:
    if not text:
        return ()
    bounds = (window.split("-") for window in text.split(","))
    return tuple((int(first), int(last)) for first, last in bounds)
