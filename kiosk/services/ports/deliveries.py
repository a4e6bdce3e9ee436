"""Deliveries of invoices by e-mail and on paper, and their queue."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from kiosk.domain.delivery import (
    Delivery,
    DeliveryChannel,
    DeliveryState,
)
from kiosk.domain.outbox import OutboxEntry


class DeliveryStore(Protocol):
    """Deliveries and their queue, kept in the local database."""

    def add_delivery(self, delivery: Delivery) -> Delivery | None:
        """Record a delivery; None when an automatic one for that invoice and channel exists."""
        ...

    def due_deliveries(self, now: datetime) -> list[Delivery]:
        """Queued deliveries whose time has come, and every one left sending (whether its
        sender gave up is for the service to decide)."""
        ...

    def delivery(self, delivery_id: int) -> Delivery | None: ...

    def claim_delivery(
        self, delivery: Delivery, now: datetime, claimer: str, until: datetime
    ) -> bool:
        """Mark it sending by `claimer`, due again at `until`, if it is still as `delivery`
        shows it (same state, same attempts); False when another process claimed it first."""
        ...

    def finish_delivery(
        self, delivery_id: int, receipt: str, now: datetime, activity: OutboxEntry | None
    ) -> None:
        """Mark sent and, in the same transaction, queue the SAP Activity that records it."""
        ...

    def retry_delivery(
        self, delivery_id: int, at: datetime, code: str | None, error: str, now: datetime
    ) -> None: ...

    def fail_delivery(
        self, delivery_id: int, code: str | None, error: str, now: datetime
    ) -> None: ...

    def deliveries(
        self,
        *,
        state: DeliveryState | None = None,
        channel: DeliveryChannel | None = None,
        limit: int | None = None,
    ) -> list[Delivery]:
        """Newest first; at most `limit` of them when given."""
        ...

    def automatically_delivered(self, doc_entries: list[int]) -> set[tuple[int, str]]: ...

    def requeue_listed(self, delivery_ids: list[int], printer: str, now: datetime) -> None: ...
