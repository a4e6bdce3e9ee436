"""The store's reports over rows a test gives: what falls in the period asked is what comes back."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from kiosk.domain.reports import (
    AdoptionWeek,
    AgeingRow,
    DeliveryDay,
    PaymentDelays,
    PaymentDelayWeek,
    ReportPeriod,
    SyncHealth,
    UsageDay,
)
from kiosk.services.errors import ExternalUnavailable


class FixedReports:
    """Implements kiosk.ui.staff_services.StoreReports; records every call it answers.

    Payment delays come as (day paid, days the invoice waited) pairs; the fake works out the
    medians itself, week by week (Monday to Sunday) and over the period.
    """

    def __init__(
        self,
        *,
        adoption: Iterable[AdoptionWeek] = (),
        deliveries: Iterable[DeliveryDay] = (),
        ageing: dict[date, list[AgeingRow]] | None = None,
        usage: Iterable[UsageDay] = (),
        payments: Iterable[tuple[date, int]] = (),
        sync: SyncHealth | None = None,
    ) -> None:
        self._adoption = list(adoption)
        self._deliveries = list(deliveries)
        self._ageing = ageing or {}
        self._usage = list(usage)
        self._payments = list(payments)
        self._sync = sync or SyncHealth(entities=(), pending_changes=0, parked_changes=0)
        self.calls: list[tuple[str, ReportPeriod | date | None]] = []
        self.failing: set[str] = set()
        """The reports that fail as if the database were unreachable."""

    def adoption(self, period: ReportPeriod) -> list[AdoptionWeek]:
        self._called("adoption", period)
        return [week for week in self._adoption if _within(week.week_start, period)]

    def deliveries(self, period: ReportPeriod) -> list[DeliveryDay]:
        self._called("deliveries", period)
        return [row for row in self._deliveries if _within(row.day, period)]

    def ageing(self, on: date) -> list[AgeingRow]:
        self._called("ageing", on)
        return self._ageing.get(on, [])

    def usage(self, period: ReportPeriod) -> list[UsageDay]:
        self._called("usage", period)
        return [row for row in self._usage if _within(row.day, period)]

    def payment_delays(self, period: ReportPeriod) -> PaymentDelays:
        self._called("payment_delays", period)
        paid = [(day, waited) for day, waited in self._payments if _within(day, period)]
        weeks: dict[date, list[int]] = {}
        for day, waited in sorted(paid):
            weeks.setdefault(day - timedelta(days=day.weekday()), []).append(waited)
        return PaymentDelays(
            weeks=tuple(
                PaymentDelayWeek(start, len(waits), _median(waits))
                for start, waits in sorted(weeks.items())
            ),
            payments=len(paid),
            median_days=_median([waited for _day, waited in paid]) if paid else None,
        )

    def sync_health(self) -> SyncHealth:
        self._called("sync_health", None)
        return self._sync

    def _called(self, report: str, argument: ReportPeriod | date | None) -> None:
        self.calls.append((report, argument))
        if report in self.failing:
            raise ExternalUnavailable("the database does not answer")


def _within(day: date, period: ReportPeriod) -> bool:
    return period.start <= day <= period.end


def _median(values: list[int]) -> Decimal:
    middle = sorted(values)[(len(values) - 1) // 2 : len(values) // 2 + 1]
    return Decimal(sum(middle)) / len(middle)
