"""The emulated server's wall clock: real time, or frozen and moved by tests."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta


class EmulatorClock:
    """Server-local naive time, as SAP stamps UpdateDate and UpdateTime.

    Frozen at a moment, it lets a test make several changes within one second or one minute.
    """

    def __init__(self, frozen_at: datetime | None = None) -> None:
        self._lock = threading.Lock()
        self._frozen_at = frozen_at
        self._offset = timedelta(0)

    def now(self) -> datetime:
        with self._lock:
            if self._frozen_at is not None:
                return self._frozen_at
            return datetime.now().replace(microsecond=0) + self._offset

    def freeze(self, moment: datetime) -> None:
        """Stop the clock at a moment; it stays there until moved again."""
        with self._lock:
            self._frozen_at = moment.replace(microsecond=0)

    def advance(self, seconds: float) -> None:
        """Move the clock forward, frozen or running."""
        with self._lock:
            if self._frozen_at is not None:
                self._frozen_at += timedelta(seconds=seconds)
            else:
                self._offset += timedelta(seconds=seconds)

    def run(self) -> None:
        """Let the clock run with real time again, from where it stands."""
        with self._lock:
            if self._frozen_at is not None:
                self._offset = self._frozen_at - datetime.now().replace(microsecond=0)
                self._frozen_at = None

    def snapshot(self) -> tuple[datetime | None, timedelta]:
        """Remember the clock's state, to put it back with restore()."""
        with self._lock:
            return self._frozen_at, self._offset

    def restore(self, state: tuple[datetime | None, timedelta]) -> None:
        with self._lock:
            self._frozen_at, self._offset = state
