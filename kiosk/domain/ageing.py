"""Ageing of what a customer owes: open amounts sorted by how long past their due date they are."""

from __future__ import annotations

import enum
from datetime import date


class AgeingBucket(enum.Enum):
    """The usual buckets of an ageing report, by days past the due date."""

    CURRENT = "current"  # al corriente: not due yet, or due today
    DAYS_1_30 = "1_30"
    DAYS_31_60 = "31_60"
    DAYS_61_90 = "61_90"
    OVER_90 = "over_90"


def ageing_bucket(due_date: date, on: date) -> AgeingBucket:
    """The bucket an amount due on `due_date` falls in on the day `on`."""
    late = (on - due_date).days
    if late <= 0:
        return AgeingBucket.CURRENT
    if late <= 30:
        return AgeingBucket.DAYS_1_30
    if late <= 60:
        return AgeingBucket.DAYS_31_60
    if late <= 90:
        return AgeingBucket.DAYS_61_90
    return AgeingBucket.OVER_90
