"""A SyncCursorStore in a dict, for tests that need to say how far the sync got."""

from __future__ import annotations

from kiosk.services.ports.sync import SyncCursor


class InMemoryCursorStore:
    """Cursors by entity, as SqlSyncCursorStore keeps them."""

    def __init__(self) -> None:
        self._cursors: dict[str, SyncCursor] = {}

    def cursor(self, entity: str) -> SyncCursor | None:
        return self._cursors.get(entity)

    def save_cursor(self, cursor: SyncCursor) -> None:
        self._cursors[cursor.entity] = cursor

    def cursors(self) -> list[SyncCursor]:
        return sorted(self._cursors.values(), key=lambda cursor: cursor.entity)
