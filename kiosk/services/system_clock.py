"""The real clock: the date where the kiosk stands."""

from __future__ import annotations

from datetime import date, datetime


class SystemClock:
    """Today's local date and time, as the machine knows them."""

    def today(self) -> date:
        return date.today()

    def now(self) -> datetime:
        return datetime.now().replace(microsecond=0)
