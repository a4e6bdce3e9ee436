"""A change the kiosk owes SAP: its kind, its client-made reference and its delivery history."""

from __future__ import annotations

import enum
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

BILLING_PREFERENCE = "billing_preference"
EBILLING_INCENTIVE = "ebilling_incentive"  # UDFs of the business partner, with the date
INVOICE_ACTIVITY = "invoice_activity"
INVOICE_FLAG = "invoice_flag"
KINDS = (BILLING_PREFERENCE, EBILLING_INCENTIVE, INVOICE_ACTIVITY, INVOICE_FLAG)
"""Every kind of change the kiosk owes SAP; staff see each by its name (staff_kind_<kind>)."""


class OutboxState(enum.Enum):
    PENDING = "pending"
    PARKED = "parked"
    DONE = "done"
    DISCARDED = "discarded"


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    """One change for SAP, with its delivery history."""

    id: int | None
    reference: str
    kind: str
    customer_code: str
    payload: dict[str, Any]
    state: OutboxState
    attempts: int
    created_at: datetime
    next_attempt_at: datetime | None = None
    last_attempt_at: datetime | None = None
    last_error_code: str | None = None
    last_error_message: str | None = None
    resolution: str | None = None

    @classmethod
    def new(
        cls, kind: str, customer_code: str, payload: dict[str, Any], now: datetime
    ) -> OutboxEntry:
        """A fresh pending entry with its own unique reference."""
        return cls(
            id=None,
            reference=str(uuid.uuid4()),
            kind=kind,
            customer_code=customer_code,
            payload=payload,
            state=OutboxState.PENDING,
            attempts=0,
            created_at=now,
            next_attempt_at=now,
        )

    def payload_text(self) -> str:
        return json.dumps(self.payload, sort_keys=True, ensure_ascii=False)
