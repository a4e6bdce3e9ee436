"""The bounce mailbox, and the deliveries and preferences a bounce changes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from kiosk.domain.billing_preference import BillingPreference, PreferenceChange
from kiosk.domain.delivery import Delivery
from kiosk.domain.outbox import OutboxEntry


class BounceMailbox(Protocol):
    """The mailbox returned mail arrives in; raises ExternalUnavailable when it cannot be
    reached and ExternalRejected when it refuses the login or its certificate is not trusted."""

    def read_reports(self, since: date, handle: Callable[[bytes], bool]) -> int:
        """Hand each unread report (multipart/report) that arrived since a day to `handle`, and
        mark read those it returns True for; how many were handed over. What `handle` raises
        goes up unchanged, and that message stays unread."""
        ...


@dataclass(frozen=True, slots=True)
class BackToPaper:
    """The paper preference a hard bounce puts in place, and its push to SAP."""

    change: PreferenceChange  # source "bounce", the bounce's reason as its note
    entry: OutboxEntry


@dataclass(frozen=True, slots=True)
class RecordedBounce:
    """Everything one returned delivery changes, written in one transaction."""

    delivery_id: int
    code: str  # the enhanced status code, "5.1.1"
    reason: str
    at: datetime
    back_to_paper: BackToPaper | None = None
    paper_copy: Delivery | None = None  # the bounced invoice on paper, queued or listed


class BounceStore(Protocol):
    """Deliveries and preferences as a bounce sees and changes them."""

    def delivery(self, delivery_id: int) -> Delivery | None: ...

    def preference(self, customer_code: str) -> BillingPreference | None: ...

    def record_bounce(self, bounce: RecordedBounce) -> bool:
        """Mark the delivery bounced with all that follows; False (and nothing written) when it
        is bounced already or never left."""
        ...

    def note_delay(self, delivery_id: int, code: str, note: str, at: datetime) -> None:
        """Note on a sent delivery that its mail is delayed; its state stays as it is."""
        ...
