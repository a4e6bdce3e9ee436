"""The branch's sync lease: which one client of a shared database talks to SAP and sends mail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class LeaseHolder:
    """Who holds, or last held, the lease, and how its pass went; `running` is True while
    the holder is alive and in its pass (the database itself says so, not a heartbeat)."""

    holder: str
    granted_at: datetime
    heartbeat_at: datetime
    running: bool
    activity: str | None = None
    progress: int = 0
    finished_at: datetime | None = None
    outcome: str | None = None  # "ok" or "error" once finished
    error: str | None = None


@dataclass(frozen=True, slots=True)
class LeaseGrant:
    """One time the lease was granted."""

    holder: str
    granted_at: datetime


class SyncLease(Protocol):
    """Held for one pass of sync and delivery; `shared` is False where the database has one
    client (SQLite), and the lease is then always granted."""

    @property
    def shared(self) -> bool: ...

    def try_acquire(self) -> bool:
        """Take the lease for a pass if no other client holds it; never waits."""
        ...

    def note_progress(self, activity: str, count: int) -> None:
        """Tell the other clients how far the pass got (cheap: written at most once a second)."""
        ...

    def release(self, error: str | None) -> None:
        """End the pass: record how it went and let the lease go."""
        ...

    def holder(self) -> LeaseHolder | None:
        """The current or last holder, or None if the lease was never granted."""
        ...

    def grants(self, limit: int = 20) -> list[LeaseGrant]:
        """The latest grants, newest first."""
        ...
