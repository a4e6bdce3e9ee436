"""The store's reports: plain rows, the same figures a chart draws and a CSV holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from kiosk.domain.ageing import AgeingBucket
from kiosk.domain.errors import InvalidValue


@dataclass(frozen=True, slots=True)
class ReportPeriod:
    """The days a report covers, both ends included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise InvalidValue(f"the period ends ({self.end}) before it starts ({self.start})")


@dataclass(frozen=True, slots=True)
class AdoptionWeek:
    """How many customers had each billing channel at the end of a week (Monday to Sunday)."""

    week_start: date
    paper: int
    email: int
    both: int


@dataclass(frozen=True, slots=True)
class DeliveryDay:
    """How many deliveries of one channel ended a day with one outcome (sent, failed, waiting)."""

    day: date
    channel: str
    outcome: str
    count: int


@dataclass(frozen=True, slots=True)
class AgeingRow:
    """What customers owe in one currency, by ageing bucket, on a day."""

    currency: str
    amounts: dict[AgeingBucket, Decimal]

    @property
    def total(self) -> Decimal:
        return sum(self.amounts.values(), Decimal(0))


@dataclass(frozen=True, slots=True)
class UsageDay:
    """What customers did at the kiosks on one day."""

    day: date
    lookups: int
    prints: int
    emails: int
    payments: int


@dataclass(frozen=True, slots=True)
class PaymentDelayWeek:
    """How long invoices paid in a week waited for their payment: the median, in days."""

    week_start: date
    payments: int
    median_days: Decimal


@dataclass(frozen=True, slots=True)
class PaymentDelays:
    """How long invoices waited for their payments in a period: week by week and overall."""

    weeks: tuple[PaymentDelayWeek, ...]
    payments: int
    median_days: Decimal | None  # None when nothing was paid in the period


@dataclass(frozen=True, slots=True)
class EntityHealth:
    """When the kiosk last pulled one SAP entity, and what stopped it last, if anything."""

    entity: str
    last_success_at: datetime | None
    last_error: str | None


@dataclass(frozen=True, slots=True)
class SyncHealth:
    """Sync at a glance: the last pull of each entity and the changes waiting to reach SAP."""

    entities: tuple[EntityHealth, ...]
    pending_changes: int
    parked_changes: int
