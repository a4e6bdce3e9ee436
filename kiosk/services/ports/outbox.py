"""The durable outbox of changes waiting for SAP."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Protocol

from kiosk.domain.outbox import OutboxEntry


class OutboxStore(Protocol):
    """Durable outbox entries and their delivery state."""

    def due_entries(
        self, now: datetime | None, *, waived_codes: Collection[str] = ()
    ) -> list[OutboxEntry]: ...

    def start_attempt(self, entry_id: int, now: datetime) -> None: ...

    def mark_done(self, entry_id: int, now: datetime) -> None: ...

    def park(self, entry_id: int, code: str | None, message: str, now: datetime) -> None: ...

    def retry_later(
        self, entry_id: int, at: datetime, code: str | None, message: str, now: datetime
    ) -> None: ...

    def open_entries(self) -> list[OutboxEntry]: ...

    def entry(self, entry_id: int) -> OutboxEntry | None: ...

    def requeue(self, entry_id: int, note: str, now: datetime) -> OutboxEntry: ...

    def discard(self, entry_id: int, note: str, now: datetime) -> OutboxEntry: ...

    def counts(self) -> dict[str, int]:
        """Entries by open state (pending, parked)."""
