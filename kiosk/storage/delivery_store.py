"""The deliveries table: the e-mail and print queues, and the log of what reached whom."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, Engine, Row, Table, and_, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from kiosk.domain.delivery import (
    DeliveredDocument,
    Delivery,
    DeliveryChannel,
    DeliveryReason,
    DeliveryState,
)
from kiosk.domain.outbox import OutboxEntry
from kiosk.storage.database import unavailable_on_driver_error
from kiosk.storage.outbox_store import insert_outbox_entry
from kiosk.storage.tables import DeliveryRow

deliveries = cast(Table, DeliveryRow.__table__)


def insert_delivery(connection: Connection, delivery: Delivery) -> int:
    """Add a delivery within the caller's transaction; IntegrityError when an automatic one of
    the same invoice and channel (or the same notice) is there already."""
    values = {
        "doc_entry": delivery.doc_entry,
        "doc_num": delivery.doc_num,
        "customer_code": delivery.customer_code,
        "channel": delivery.channel.value,
        "reason": delivery.reason.value,
        "automatic_key": _automatic_key(delivery),
        "destination": delivery.destination,
        "state": delivery.state.value,
        "requested_by": delivery.requested_by,
        "document": delivery.document.value,
        "reference": delivery.reference,
        "attempts": 0,
        "next_attempt_at": delivery.next_attempt_at,
        "created_at": delivery.created_at,
        "created_day": delivery.created_at.date(),
        "updated_at": delivery.created_at,
    }
    new_id = connection.execute(insert(deliveries).values(**values)).inserted_primary_key
    assert new_id is not None
    return int(new_id[0])


def _automatic_key(delivery: Delivery) -> str | None:
    if delivery.reason is not DeliveryReason.AUTOMATIC:
        return None
    if delivery.document is DeliveredDocument.INVOICE:
        return f"{delivery.doc_entry}:{delivery.channel.value}"
    return f"{delivery.document.value}:{delivery.reference}"


def mark_bounced(
    connection: Connection, delivery_id: int, code: str, reason: str, at: datetime
) -> bool:
    """Within the caller's transaction: an e-mail delivery the mail system returned is bounced;
    False when it is already, or never left (a message still sending may have been accepted)."""
    left = (DeliveryState.SENT.value, DeliveryState.SENDING.value, DeliveryState.QUEUED.value)
    result = connection.execute(
        update(deliveries)
        .where(
            deliveries.c.id == delivery_id,
            deliveries.c.channel == DeliveryChannel.EMAIL.value,
            deliveries.c.state.in_(left),
        )
        .values(
            state=DeliveryState.BOUNCED.value, bounced_at=at, next_attempt_at=None,
            last_error_code=code[:20], last_error=reason, updated_at=at,
        )
    )  # fmt: skip
    return bool(result.rowcount)


def has_automatic_delivery(connection: Connection, doc_entry: int, channel: str) -> bool:
    """Within the caller's transaction: whether an invoice went out automatically on a channel."""
    key = f"{doc_entry}:{channel}"
    found = connection.execute(
        select(deliveries.c.id).where(deliveries.c.automatic_key == key)
    ).first()
    return found is not None


class SqlDeliveryStore:
    """Each call is one short transaction."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add_delivery(self, delivery: Delivery) -> Delivery | None:
        try:
            with unavailable_on_driver_error(self._engine), self._engine.begin() as connection:
                new_id = insert_delivery(connection, delivery)
        except IntegrityError:
            return None  # already delivered automatically on this channel
        return self.delivery(new_id)

    def due_deliveries(self, now: datetime) -> list[Delivery]:
        query = (
            select(deliveries)
            .where(
                or_(
                    and_(
                        deliveries.c.state == DeliveryState.QUEUED.value,
                        deliveries.c.next_attempt_at <= now,
                    ),
                    deliveries.c.state == DeliveryState.SENDING.value,
                )
            )
            .order_by(deliveries.c.id)
        )
        return self._many(query)

    def delivery(self, delivery_id: int) -> Delivery | None:
        found = self._many(select(deliveries).where(deliveries.c.id == delivery_id))
        return found[0] if found else None

    def deliveries(
        self,
        *,
        state: DeliveryState | None = None,
        channel: DeliveryChannel | None = None,
        limit: int | None = None,
    ) -> list[Delivery]:
        query = select(deliveries).order_by(deliveries.c.id.desc()).limit(limit)
        if state is not None:
            query = query.where(deliveries.c.state == state.value)
        if channel is not None:
            query = query.where(deliveries.c.channel == channel.value)
        return self._many(query)

    def automatically_delivered(self, doc_entries: list[int]) -> set[tuple[int, str]]:
        query = select(deliveries.c.doc_entry, deliveries.c.channel).where(
            deliveries.c.doc_entry.in_(doc_entries),
            deliveries.c.reason == DeliveryReason.AUTOMATIC.value,
        )
        with unavailable_on_driver_error(self._engine), self._engine.connect() as connection:
            return {(row.doc_entry, row.channel) for row in connection.execute(query)}

    def claim_delivery(
        self, delivery: Delivery, now: datetime, claimer: str, until: datetime
    ) -> bool:
        # One conditional UPDATE: of two processes claiming together, the second matches no
        # row, because the first has already raised `attempts`.
        with unavailable_on_driver_error(self._engine), self._engine.begin() as connection:
            claimed = connection.execute(
                update(deliveries)
                .where(
                    deliveries.c.id == delivery.id,
                    deliveries.c.state == delivery.state.value,
                    deliveries.c.attempts == delivery.attempts,
                )
                .values(
                    state=DeliveryState.SENDING.value, attempts=deliveries.c.attempts + 1,
                    claimed_by=claimer, next_attempt_at=until, updated_at=now,
                )
            )  # fmt: skip
        return claimed.rowcount == 1

    def finish_delivery(
        self, delivery_id: int, receipt: str, now: datetime, activity: OutboxEntry | None
    ) -> None:
        with unavailable_on_driver_error(self._engine), self._engine.begin() as connection:
            connection.execute(
                update(deliveries)
                .where(deliveries.c.id == delivery_id)
                .values(
                    state=DeliveryState.SENT.value, receipt=receipt, sent_at=now,
                    next_attempt_at=None, last_error=None, last_error_code=None, updated_at=now,
                )
            )  # fmt: skip
            if activity is not None:
                insert_outbox_entry(connection, activity)

    def retry_delivery(
        self, delivery_id: int, at: datetime, code: str | None, error: str, now: datetime
    ) -> None:
        self._update(
            delivery_id, now, state=DeliveryState.QUEUED.value, next_attempt_at=at,
            last_error_code=code, last_error=error,
        )  # fmt: skip

    def fail_delivery(self, delivery_id: int, code: str | None, error: str, now: datetime) -> None:
        self._update(
            delivery_id, now, state=DeliveryState.FAILED.value, next_attempt_at=None,
            last_error_code=code, last_error=error,
        )  # fmt: skip

    def requeue_listed(self, delivery_ids: list[int], printer: str, now: datetime) -> None:
        with unavailable_on_driver_error(self._engine), self._engine.begin() as connection:
            connection.execute(
                update(deliveries)
                .where(
                    deliveries.c.id.in_(delivery_ids),
                    deliveries.c.state == DeliveryState.LISTED.value,
                )
                .values(
                    state=DeliveryState.QUEUED.value,
                    destination=printer,
                    next_attempt_at=now,
                    updated_at=now,
                )
            )

    def _update(self, delivery_id: int, now: datetime, **values: Any) -> None:
        with unavailable_on_driver_error(self._engine), self._engine.begin() as connection:
            connection.execute(
                update(deliveries)
                .where(deliveries.c.id == delivery_id)
                .values(updated_at=now, **values)
            )

    def _many(self, query: Any) -> list[Delivery]:
        with unavailable_on_driver_error(self._engine), self._engine.connect() as connection:
            return [_delivery(row) for row in connection.execute(query)]


def _delivery(row: Row[Any]) -> Delivery:
    return Delivery(
        id=row.id,
        doc_entry=row.doc_entry,
        doc_num=row.doc_num,
        customer_code=row.customer_code,
        channel=DeliveryChannel(row.channel),
        reason=DeliveryReason(row.reason),
        destination=row.destination,
        state=DeliveryState(row.state),
        requested_by=row.requested_by,
        created_at=row.created_at,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_error_code=row.last_error_code,
        last_error=row.last_error,
        receipt=row.receipt,
        sent_at=row.sent_at,
        document=DeliveredDocument(row.document),
        reference=row.reference,
        bounced_at=row.bounced_at,
        claimed_by=row.claimed_by,
    )
