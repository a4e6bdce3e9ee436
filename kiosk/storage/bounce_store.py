"""What a bounce changes, written in one transaction: the delivery, the preference, the copy."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, update

from kiosk.domain.billing_preference import BillingPreference
from kiosk.domain.delivery import Delivery, DeliveryChannel, DeliveryState
from kiosk.services.ports.bounces import RecordedBounce
from kiosk.storage.database import unavailable_on_driver_error
from kiosk.storage.delivery_store import (
    SqlDeliveryStore,
    deliveries,
    has_automatic_delivery,
    insert_delivery,
    mark_bounced,
)
from kiosk.storage.preference_store import SqlPreferenceStore


class SqlBounceStore:
    """Each call is one short transaction; a bounce is all written or not at all, so a pass
    that dies half-way reads the same report again and finds nothing done."""

    def __init__(
        self, engine: Engine, deliveries: SqlDeliveryStore, preferences: SqlPreferenceStore
    ) -> None:
        self._engine = engine
        self._deliveries = deliveries
        self._preferences = preferences

    def delivery(self, delivery_id: int) -> Delivery | None:
        return self._deliveries.delivery(delivery_id)

    def preference(self, customer_code: str) -> BillingPreference | None:
        return self._preferences.preference(customer_code)

    def record_bounce(self, bounce: RecordedBounce) -> bool:
        with unavailable_on_driver_error(self._engine), self._engine.begin() as connection:
            if not mark_bounced(
                connection, bounce.delivery_id, bounce.code, bounce.reason, bounce.at
            ):
                return False
            paper = bounce.back_to_paper
            if paper is not None:
                self._preferences.register_in(connection, paper.change, paper.entry)
            copy = bounce.paper_copy
            if copy is not None and not has_automatic_delivery(
                connection, copy.doc_entry, DeliveryChannel.PAPER.value
            ):
                insert_delivery(connection, copy)
        return True

    def note_delay(self, delivery_id: int, code: str, note: str, at: datetime) -> None:
        with unavailable_on_driver_error(self._engine), self._engine.begin() as connection:
            connection.execute(
                update(deliveries)
                .where(
                    deliveries.c.id == delivery_id,
                    deliveries.c.state == DeliveryState.SENT.value,
                )
                .values(last_error_code=code[:20], last_error=note, updated_at=at)
            )
