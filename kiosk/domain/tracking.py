"""What the kiosk did, as events that name the customer by code only: the dashboard's raw facts."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from kiosk.domain.errors import InvalidValue

MAX_CUSTOMER_CODE = 50
MAX_CHANNEL = 10
MAX_OUTCOME = 20


class EventKind(enum.Enum):
    """The things the kiosk records; the values are stored, so they never change."""

    IDENTIFIED = "identified"
    IDENTIFICATION_FAILED = "identification_failed"
    IDENTIFICATION_THROTTLED = "identification_throttled"
    INVOICE_VIEWED = "invoice_viewed"
    INVOICE_PRINTED = "invoice_printed"  # asked for; the outcome is the delivery's state then
    INVOICE_EMAILED = "invoice_emailed"
    STATEMENT_PRINTED = "statement_printed"
    STATEMENT_EMAILED = "statement_emailed"
    PAYMENT_REQUESTED = "payment_requested"
    PAYMENT_SETTLED = "payment_settled"
    PREFERENCE_CHANGED = "preference_changed"  # the channel is the one chosen
    DELIVERY_SENT = "delivery_sent"  # every attempt's outcome, automatic deliveries included
    DELIVERY_FAILED = "delivery_failed"  # outcome "retrying", or "failed" when given up


@dataclass(frozen=True, slots=True)
class TrackedEvent:
    """One thing the kiosk did and when (local time).

    Only the customer's code is kept, never a name, e-mail address or tax ID: the events are
    kept for months and say what happened, not who exactly was at the screen.
    """

    kind: EventKind
    at: datetime
    customer_code: str | None
    channel: str | None = None
    outcome: str = ""

    def __post_init__(self) -> None:
        if self.customer_code is not None and len(self.customer_code) > MAX_CUSTOMER_CODE:
            raise InvalidValue(f"a customer code has at most {MAX_CUSTOMER_CODE} characters")
        if self.channel is not None and len(self.channel) > MAX_CHANNEL:
            raise InvalidValue(f"an event's channel has at most {MAX_CHANNEL} characters")
        if len(self.outcome) > MAX_OUTCOME:
            raise InvalidValue(f"an event's outcome has at most {MAX_OUTCOME} characters")
