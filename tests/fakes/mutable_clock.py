"""A clock tests set and move by hand."""

from __future__ import annotations

from datetime import date, datetime, timedelta


class MutableClock:
    """Implements services.ports.Clock; time moves only when a test says so."""

    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current

    def today(self) -> date:
        return self.current.date()

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)
