"""The aggregates the reports are drawn from, summed by the database: small lists, never rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol


@dataclass(frozen=True, slots=True)
class ChannelChange:
    """How many customers started (positive) or stopped (negative) having a channel on a day."""

    day: date
    channel: str  # BillingChannel's value
    change: int


@dataclass(frozen=True, slots=True)
class DeliveryCount:
    """How many deliveries created on a day, of one channel, are in one state now."""

    day: date
    channel: str  # DeliveryChannel's value
    state: str  # DeliveryState's value
    count: int


@dataclass(frozen=True, slots=True)
class OpenAmount:
    """What open invoices in one currency due on one day still owe in SAP, and how much of that
    disputes hold (never more than an invoice owes)."""

    currency: str
    due_date: date
    owed: Decimal
    disputed: Decimal


@dataclass(frozen=True, slots=True)
class EventCount:
    """How many tracking events of a kind and outcome a day had."""

    day: date
    kind: str  # EventKind's value
    outcome: str
    count: int


@dataclass(frozen=True, slots=True)
class DelayCount:
    """How many invoices a week's payments paid after waiting `days` since their posting."""

    week: date  # its Monday; only payments dated in the period asked for are counted
    days: int
    invoices: int


@dataclass(frozen=True, slots=True)
class PaymentCount:
    """How many payments (not cancelled, applied to at least one invoice) are dated a day."""

    day: date
    payments: int


class ReportSource(Protocol):
    """Aggregates over the local cache for the reports; periods include both ends."""

    def channel_changes(self, until: date) -> list[ChannelChange]:
        """Every day up to `until` on which customers' billing channels changed, by channel."""
        ...

    def delivery_counts(self, start: date, end: date) -> list[DeliveryCount]: ...

    def open_amounts(self) -> list[OpenAmount]:
        """What open, not cancelled invoices owe now, by currency and due date."""
        ...

    def event_counts(self, start: date, end: date) -> list[EventCount]: ...

    def delay_counts(self, start: date, end: date) -> list[DelayCount]:
        """Invoices paid by payments dated from `start` to `end`, by week and days waited."""
        ...

    def payment_counts(self, start: date, end: date) -> list[PaymentCount]: ...

    def waiting_changes(self) -> dict[str, int]:
        """How many outbox entries are pending and parked, by state ("pending", "parked")."""
        ...
