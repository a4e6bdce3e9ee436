"""Where the kiosk's tracking events go, and how old ones are let go."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from kiosk.domain.tracking import TrackedEvent


class EventRecorder(Protocol):
    """Keeps tracking events."""

    def record(self, event: TrackedEvent) -> None: ...


class TrackingStore(EventRecorder, Protocol):
    """Keeps tracking events with their daily counts, and deletes old ones."""

    def purge_before(self, cutoff: datetime, *, batch: int) -> int:
        """Delete events older than `cutoff` (and days before its day), `batch` events per
        transaction; return how many events went."""
        ...
