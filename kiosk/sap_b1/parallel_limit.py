"""How many requests a parallel read keeps in flight: fewer when SAP is overloaded or slows."""

from __future__ import annotations

import threading

# An answer this many times slower than the fastest one seen (and slower than SLOW_FLOOR)
# says SAP is queueing our requests: more of them in parallel would only lengthen the queue.
SLOW_FACTOR = 3.0
SLOW_FLOOR_SECONDS = 1.0


class ParallelLimit:
    """Starts at `most`; halves on an overload answer (5xx), drops by one on a slow answer,
    and climbs back by one after as many answers at normal speed as requests it allows."""

    def __init__(self, most: int) -> None:
        self.most = max(1, most)
        self.allowed = self.most
        self.lowest = self.most
        self._fastest: float | None = None
        self._calm = 0
        self._lock = threading.Lock()

    def overloaded(self) -> None:
        """SAP (or its proxy) answered 5xx, to any request thread: half as many at once."""
        with self._lock:
            self._lower(self.allowed // 2)

    def answered(self, seconds: float) -> None:
        """A request came back after `seconds`: adjust how many may be in flight."""
        with self._lock:
            self._fastest = seconds if self._fastest is None else min(self._fastest, seconds)
            if seconds > max(SLOW_FACTOR * self._fastest, SLOW_FLOOR_SECONDS):
                self._lower(self.allowed - 1)
                return
            self._calm += 1
            if self._calm >= self.allowed and self.allowed < self.most:
                self.allowed += 1
                self._calm = 0

    def _lower(self, to: int) -> None:
        self.allowed = max(1, to)
        self.lowest = min(self.lowest, self.allowed)
        self._calm = 0
