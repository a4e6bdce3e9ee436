"""The real clock: the date where the kiosk stands."""

from __future__ import annotations

from datetime import date


class SystemClock:
    """Today's local date, as the machine knows it."""

    def today(self) -> date:
        return date.today()
