"""The dashboard's reports: adoption of e-billing, deliveries, ageing, kiosk use, payment delays
and sync health, each the same rows for a chart, a table and a CSV file.

The database sums (see ports/reports.py); here the sums become weeks, buckets and medians.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from decimal import Decimal

from kiosk.domain.ageing import AgeingBucket, ageing_bucket
from kiosk.domain.billing_preference import BillingChannel
from kiosk.domain.delivery import DeliveryState
from kiosk.domain.reports import (
    AdoptionWeek,
    AgeingRow,
    DeliveryDay,
    EntityHealth,
    PaymentDelays,
    PaymentDelayWeek,
    ReportPeriod,
    SyncHealth,
    UsageDay,
)
from kiosk.domain.tracking import EventKind
from kiosk.services.delivery import AUTOMATIC_SINCE
from kiosk.services.ports.reports import ReportSource
from kiosk.services.ports.sync import SyncCursorStore
from kiosk.services.sync import ENTITIES

SENT = "sent"
FAILED = "failed"
WAITING = "waiting"
OUTCOMES = (SENT, FAILED, WAITING)

_USAGE = {
    EventKind.IDENTIFIED.value: "lookups",
    EventKind.INVOICE_PRINTED.value: "prints",
    EventKind.STATEMENT_PRINTED.value: "prints",
    EventKind.INVOICE_EMAILED.value: "emails",
    EventKind.STATEMENT_EMAILED.value: "emails",
    EventKind.PAYMENT_REQUESTED.value: "payments",
}


class Reports:
    """Reads the reports from the local cache; every method is one or two short queries."""

    def __init__(self, source: ReportSource, cursors: SyncCursorStore) -> None:
        self._source = source
        self._cursors = cursors

    def adoption(self, period: ReportPeriod) -> list[AdoptionWeek]:
        """Customers per billing channel at the end of each week (Monday to Sunday) of the
        period; the last week ends with the period. Customers who never chose are not counted."""
        changes = sorted(self._source.channel_changes(period.end), key=lambda c: c.day)
        held: Counter[str] = Counter()
        weeks: list[AdoptionWeek] = []
        applied = 0
        for week_start in _weeks(period):
            last_day = min(week_start + timedelta(days=6), period.end)
            while applied < len(changes) and changes[applied].day <= last_day:
                held[changes[applied].channel] += changes[applied].change
                applied += 1
            weeks.append(
                AdoptionWeek(
                    week_start,
                    paper=held[BillingChannel.PAPER.value],
                    email=held[BillingChannel.EMAIL.value],
                    both=held[BillingChannel.BOTH.value],
                )
            )
        return weeks

    def deliveries(self, period: ReportPeriod) -> list[DeliveryDay]:
        """Deliveries by the day they were created, channel and outcome: sent, failed, or
        waiting (queued, listed for the clerk, or being sent). Days without any are left out."""
        counts: Counter[tuple[date, str, str]] = Counter()
        for row in self._source.delivery_counts(period.start, period.end):
            counts[(row.day, row.channel, _outcome(row.state))] += row.count
        return [DeliveryDay(*key, count) for key, count in sorted(counts.items())]

    def ageing(self, on: date) -> list[AgeingRow]:
        """What open invoices owe (less what open disputes hold), by how late they are on `on`;
        one row per currency, every bucket present."""
        amounts: dict[str, dict[AgeingBucket, Decimal]] = defaultdict(
            lambda: dict.fromkeys(AgeingBucket, Decimal(0))
        )
        for row in self._source.open_amounts():
            bucket = ageing_bucket(row.due_date, on)
            amounts[row.currency][bucket] += row.owed - row.disputed
        return [AgeingRow(currency, amounts[currency]) for currency in sorted(amounts)]

    def usage(self, period: ReportPeriod) -> list[UsageDay]:
        """What customers did at the kiosks each day of the period, days without use included:
        successful identifications, prints and e-mails asked for, payment requests made."""
        counts: dict[date, Counter[str]] = defaultdict(Counter)
        for row in self._source.event_counts(period.start, period.end):
            if row.kind in _USAGE:
                counts[row.day][_USAGE[row.kind]] += row.count
        return [
            UsageDay(
                day,
                lookups=counts[day]["lookups"],
                prints=counts[day]["prints"],
                emails=counts[day]["emails"],
                payments=counts[day]["payments"],
            )
            for day in _days(period)
        ]

    def payment_delays(self, period: ReportPeriod) -> PaymentDelays:
        """Days from each invoice's posting to the payment that paid it, for the payments dated
        in the period: the median week by week (weeks with payments only) and overall."""
        delays: dict[date, Counter[int]] = defaultdict(Counter)
        overall: Counter[int] = Counter()
        for row in self._source.delay_counts(period.start, period.end):
            delays[row.week][row.days] += row.invoices
            overall[row.days] += row.invoices
        paid: Counter[date] = Counter()
        for count in self._source.payment_counts(period.start, period.end):
            paid[_monday(count.day)] += count.payments
        weeks = tuple(
            PaymentDelayWeek(week, paid[week], _median(delays[week]))
            for week in _weeks(period)
            if delays.get(week)
        )
        return PaymentDelays(weeks, sum(paid.values()), _median(overall) if overall else None)

    def sync_health(self) -> SyncHealth:
        """The last pull of each SAP entity, and the changes waiting for SAP or parked."""
        stored = {cursor.entity: cursor for cursor in self._cursors.cursors()}
        names = [*ENTITIES, *sorted(set(stored) - set(ENTITIES) - {AUTOMATIC_SINCE})]
        entities = tuple(
            EntityHealth(
                name,
                stored[name].last_success_at if name in stored else None,
                stored[name].last_error if name in stored else None,
            )
            for name in names
        )
        waiting = self._source.waiting_changes()
        return SyncHealth(entities, waiting.get("pending", 0), waiting.get("parked", 0))


def _outcome(state: str) -> str:
    if state == DeliveryState.SENT.value:
        return SENT
    if state in (DeliveryState.FAILED.value, DeliveryState.BOUNCED.value):
        return FAILED  # a bounce is a failure the mail system reported late
    return WAITING


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _weeks(period: ReportPeriod) -> Iterator[date]:
    """The Monday of each week the period touches."""
    week = _monday(period.start)
    while week <= period.end:
        yield week
        week += timedelta(days=7)


def _days(period: ReportPeriod) -> Iterable[date]:
    return (
        period.start + timedelta(days=offset)
        for offset in range((period.end - period.start).days + 1)
    )


def _median(counts: Counter[int]) -> Decimal:
    """The median of values given as value -> how many times; halves when the count is even."""
    total = sum(counts.values())
    middle = {(total - 1) // 2, total // 2}  # one index when odd, the two middle ones when even
    found: list[int] = []
    seen = 0
    for value in sorted(counts):
        for index in sorted(middle):
            if seen <= index < seen + counts[value]:
                found.append(value)
        seen += counts[value]
    return sum((Decimal(value) for value in found), Decimal(0)) / len(found)
