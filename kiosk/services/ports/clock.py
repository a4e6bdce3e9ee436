"""The clock services read the kiosk's local date and time from."""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol


class Clock(Protocol):
    """Local date and time where the kiosk stands (injectable for tests)."""

    def today(self) -> date: ...

    def now(self) -> datetime: ...
