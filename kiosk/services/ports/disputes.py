"""Disputes kept in the local database, and where the credit notes that close them come from."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from kiosk.domain.credit_note import CreditNote
from kiosk.domain.delivery import Delivery
from kiosk.domain.dispute import Dispute, DisputeEvent, DisputeState
from kiosk.domain.outbox import OutboxEntry


@dataclass(frozen=True, slots=True)
class DisputeNotice:
    """A step of a dispute the customer has not seen at the kiosk yet."""

    dispute: Dispute
    event: DisputeEvent
    event_id: int


class DisputeStore(Protocol):
    """Disputes and their timelines; each write is one transaction with what goes with it."""

    def add_dispute(
        self,
        dispute: Dispute,
        activity: Callable[[int], OutboxEntry],
        notice: Delivery | None = None,
        flag: OutboxEntry | None = None,
    ) -> Dispute:
        """Keep a new dispute with its first event, its SAP Activity (made once the dispute has
        its id) and the customer's notice, in one transaction; DisputeRefused
        when another open dispute holds the same line or invoice."""
        ...

    def save_step(
        self,
        dispute: Dispute,
        activity: OutboxEntry,
        notice: Delivery | None = None,
        flag: OutboxEntry | None = None,
    ) -> Dispute:
        """Keep a dispute's new state and last event, its SAP Activity, the customer's notice
        and the invoice's flag for SAP, in one transaction; DisputeRefused when someone else
        moved it first."""
        ...

    def notice(self, event_id: int) -> DisputeNotice | None: ...

    def dispute(self, dispute_id: int) -> Dispute | None: ...

    def disputes(
        self,
        *,
        state: DisputeState | None = None,
        customer_code: str | None = None,
        doc_entry: int | None = None,
        opened_before: datetime | None = None,
        limit: int = 200,
    ) -> list[Dispute]:
        """Newest first."""
        ...

    def event_ids(self, dispute_id: int) -> list[int]:
        """The ids of a dispute's events, in the order of its timeline."""
        ...

    def unseen_notices(self, customer_code: str) -> list[DisputeNotice]: ...

    def mark_seen(self, event_ids: list[int], at: datetime) -> None: ...

    def accepted_for(self, doc_entries: list[int]) -> list[Dispute]:
        """The accepted disputes (waiting for their credit note) of these invoices."""
        ...


class CreditNoteSource(Protocol):
    """Credit notes newer than a DocEntry, in pages (the cache's copy of SAP's, or SAP's)."""

    def credit_notes_after(self, doc_entry: int) -> Iterator[list[CreditNote]]: ...
