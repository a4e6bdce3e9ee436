"""When the background sync runs next: on an interval, soon after a change, slower after failures.

A plain policy object with no timers of its own: the app asks it when to run and tells it how a
run went, so the same rules serve a Qt timer, a CLI loop and the tests.
"""

from __future__ import annotations

from datetime import datetime, timedelta


class SyncSchedule:
    """Decides the next sync time from successes, failures and local changes."""

    def __init__(
        self,
        *,
        interval: timedelta,
        after_change: timedelta,
        retry_min: timedelta,
        retry_max: timedelta,
    ) -> None:
        self._interval = interval
        self._after_change = after_change
        self._retry_min = retry_min
        self._retry_max = retry_max
        self.failures = 0
        self.next_run: datetime | None = None

    def start(self, now: datetime) -> None:
        """Sync right away when the app starts."""
        self.next_run = now

    def succeeded(self, now: datetime, *, changes_waiting: bool = False) -> None:
        """Next run after the interval, or soon if changes were made while this one ran."""
        self.failures = 0
        self.next_run = now + (self._after_change if changes_waiting else self._interval)

    def failed(self, now: datetime) -> None:
        """Back off: retry_min, doubling each time, never longer than retry_max or the interval."""
        self.failures += 1
        delay = min(self._retry_max, self._interval, self._retry_min * 2 ** (self.failures - 1))
        self.next_run = now + delay

    def local_change(self, now: datetime) -> None:
        """A change waits in the outbox: sync soon, unless a run is already due sooner."""
        soon = now + self._after_change
        if self.next_run is None or soon < self.next_run:
            self.next_run = soon

    def is_due(self, now: datetime) -> bool:
        return self.next_run is not None and now >= self.next_run

    def seconds_until_due(self, now: datetime) -> float:
        if self.next_run is None:
            return float("inf")
        return max(0.0, (self.next_run - now).total_seconds())
