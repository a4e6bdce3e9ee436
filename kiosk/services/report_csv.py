"""The reports as tables of plain cells, the same for a CSV file, a JSON record and the screen.

Column names are fixed, in English, so that a spreadsheet or a script reading the CSV keeps
working whatever the kiosk's language; amounts are exact decimal strings, never floats.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from kiosk.domain.ageing import AgeingBucket
from kiosk.domain.reports import (
    AdoptionWeek,
    AgeingRow,
    DeliveryDay,
    PaymentDelays,
    SyncHealth,
    UsageDay,
)

Cell = str | int | None
"""A count, a text (exact amounts and ISO dates are texts), or nothing."""

OVERALL = "all"  # the week column of the payment delays' overall row


@dataclass(frozen=True, slots=True)
class ReportTable:
    """A report's column names and its rows, cell by cell."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]

    def records(self) -> list[dict[str, Cell]]:
        """One mapping per row, column name to cell: the JSON form."""
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


def adoption_table(weeks: Sequence[AdoptionWeek]) -> ReportTable:
    return ReportTable(
        ("week_start", "paper", "email", "both"),
        tuple((w.week_start.isoformat(), w.paper, w.email, w.both) for w in weeks),
    )


def deliveries_table(days: Sequence[DeliveryDay]) -> ReportTable:
    return ReportTable(
        ("day", "channel", "outcome", "count"),
        tuple((d.day.isoformat(), d.channel, d.outcome, d.count) for d in days),
    )


def ageing_table(rows: Sequence[AgeingRow]) -> ReportTable:
    return ReportTable(
        ("currency", *(bucket.value for bucket in AgeingBucket), "total"),
        tuple(
            (
                row.currency,
                *(_amount(row.amounts[bucket]) for bucket in AgeingBucket),
                _amount(row.total),
            )
            for row in rows
        ),
    )


def usage_table(days: Sequence[UsageDay]) -> ReportTable:
    return ReportTable(
        ("day", "lookups", "prints", "emails", "payments"),
        tuple((d.day.isoformat(), d.lookups, d.prints, d.emails, d.payments) for d in days),
    )


def payment_delays_table(delays: PaymentDelays) -> ReportTable:
    """A row per week with payments, then the whole period's row (week_start "all")."""
    weeks = tuple(
        (w.week_start.isoformat(), w.payments, _amount(w.median_days)) for w in delays.weeks
    )
    median = None if delays.median_days is None else _amount(delays.median_days)
    return ReportTable(
        ("week_start", "payments", "median_days"), (*weeks, (OVERALL, delays.payments, median))
    )


def sync_health_table(health: SyncHealth) -> ReportTable:
    """A row per SAP entity; the outbox counts are the same on every row."""
    return ReportTable(
        ("entity", "last_success_at", "last_error", "pending_changes", "parked_changes"),
        tuple(
            (
                entity.entity,
                _moment(entity.last_success_at),
                entity.last_error,
                health.pending_changes,
                health.parked_changes,
            )
            for entity in health.entities
        ),
    )


def csv_text(table: ReportTable) -> str:
    """The table as CSV: a header row, then the rows; an empty cell for nothing."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.columns)
    writer.writerows(["" if cell is None else cell for cell in row] for row in table.rows)
    return out.getvalue()


def _amount(value: Decimal) -> str:
    return format(value, "f")


def _moment(value: datetime | date | None) -> str | None:
    return None if value is None else value.isoformat()
