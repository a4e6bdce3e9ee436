"""E-billing enrolment requests and incentives, written with the preference and the outbox."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, Engine, Row, Table, insert, select, update

from kiosk.domain.billing_preference import BillingChannel, PreferenceChange
from kiosk.domain.delivery import Delivery
from kiosk.domain.enrolment import CodeAlreadyUsed, EnrolmentRequest, EnrolmentState, Incentive
from kiosk.domain.outbox import OutboxEntry
from kiosk.storage.database import connected, transaction
from kiosk.storage.delivery_store import insert_delivery
from kiosk.storage.outbox_store import insert_outbox_entry
from kiosk.storage.preference_store import SqlPreferenceStore
from kiosk.storage.scaled_decimal import from_scaled, to_scaled
from kiosk.storage.tables import EbillingIncentiveRow, EnrolmentRequestRow

requests = cast(Table, EnrolmentRequestRow.__table__)
incentives = cast(Table, EbillingIncentiveRow.__table__)
PENDING = EnrolmentState.PENDING.value


class SqlEnrolmentStore:
    """Each call is one short transaction."""

    def __init__(self, engine: Engine, preferences: SqlPreferenceStore) -> None:
        self._engine = engine
        self._preferences = preferences

    def add_request(
        self, request: EnrolmentRequest, code_mail: Delivery
    ) -> tuple[EnrolmentRequest, int]:
        with transaction(self._engine) as connection:
            _end_pending(connection, request.customer_code, request.created_at)
            new_id = connection.execute(
                insert(requests).values(**_values(request))
            ).inserted_primary_key
            assert new_id is not None
            stored = replace(request, id=int(new_id[0]))
            delivery_id = insert_delivery(connection, replace(code_mail, reference=str(stored.id)))
        return stored, delivery_id

    def request(self, request_id: int) -> EnrolmentRequest | None:
        return self._one(select(requests).where(requests.c.id == request_id))

    def request_by_token(self, token_hash: str) -> EnrolmentRequest | None:
        return self._one(select(requests).where(requests.c.token_hash == token_hash))

    def requests(
        self, *, customer_code: str | None = None, limit: int = 100
    ) -> list[EnrolmentRequest]:
        query = select(requests).order_by(requests.c.id.desc()).limit(limit)
        if customer_code is not None:
            query = query.where(requests.c.customer_code == customer_code)
        with connected(self._engine) as connection:
            return [_request(row) for row in connection.execute(query)]

    def save_attempt(self, request: EnrolmentRequest, now: datetime) -> bool:
        assert request.id is not None
        with transaction(self._engine) as connection:
            changed = connection.execute(
                update(requests)
                .where(requests.c.id == request.id, requests.c.state == PENDING)
                .values(wrong_codes=request.wrong_codes, state=request.state.value)
            )
        return bool(changed.rowcount)

    def end(self, request_id: int, state: EnrolmentState, now: datetime) -> None:
        with transaction(self._engine) as connection:
            connection.execute(
                update(requests)
                .where(requests.c.id == request_id, requests.c.state == PENDING)
                .values(state=state.value)
            )

    def confirm(
        self,
        request: EnrolmentRequest,
        change: PreferenceChange,
        entry: OutboxEntry,
        incentive: Incentive | None,
        incentive_entry: OutboxEntry | None,
    ) -> Incentive | None:
        assert request.id is not None
        with transaction(self._engine) as connection:
            confirmed = connection.execute(
                update(requests)
                .where(requests.c.id == request.id, requests.c.state == PENDING)
                .values(
                    state=EnrolmentState.CONFIRMED.value,
                    confirmed_at=request.confirmed_at,
                    confirmed_by=request.confirmed_by,
                )
            )
            if not confirmed.rowcount:
                # Checked in the same transaction as the write: two taps, or the link and the
                # code at once, confirm once.
                raise CodeAlreadyUsed(
                    f"the code of request {request.id} was used already or replaced"
                )
            granted = None
            if incentive is not None and _incentive(connection, request.customer_code) is None:
                connection.execute(
                    insert(incentives).values(
                        customer_code=incentive.customer_code,
                        percent=to_scaled(incentive.percent),
                        text=incentive.text,
                        granted_at=incentive.granted_at,
                        request_id=request.id,
                    )
                )
                if incentive_entry is not None:
                    insert_outbox_entry(connection, incentive_entry)
                granted = replace(incentive, request_id=request.id)
                change = replace(change, incentive_percent=incentive.percent)
            self._preferences.register_in(connection, change, entry)
        return granted

    def back_to_paper(self, change: PreferenceChange, entry: OutboxEntry, now: datetime) -> None:
        with transaction(self._engine) as connection:
            _end_pending(connection, change.preference.customer_code, now)
            self._preferences.register_in(connection, change, entry)

    def incentive(self, customer_code: str) -> Incentive | None:
        with connected(self._engine) as connection:
            return _incentive(connection, customer_code)

    def _one(self, query: Any) -> EnrolmentRequest | None:
        with connected(self._engine) as connection:
            row = connection.execute(query).first()
        return None if row is None else _request(row)


def _end_pending(connection: Connection, customer_code: str, now: datetime) -> None:
    """A customer has one request in play: a newer one (or going back to paper) ends the rest."""
    connection.execute(
        update(requests)
        .where(requests.c.customer_code == customer_code, requests.c.state == PENDING)
        .values(state=EnrolmentState.SUPERSEDED.value)
    )


def _incentive(connection: Connection, customer_code: str) -> Incentive | None:
    row = connection.execute(
        select(incentives).where(incentives.c.customer_code == customer_code)
    ).first()
    if row is None:
        return None
    return Incentive(
        customer_code=row.customer_code,
        percent=from_scaled(row.percent),
        text=row.text,
        granted_at=row.granted_at,
        request_id=row.request_id,
    )


def _values(request: EnrolmentRequest) -> dict[str, Any]:
    return {
        "customer_code": request.customer_code,
        "channel": request.channel.value,
        "email": request.email,
        "language": request.language,
        "consent_version": request.consent_version,
        "code_hash": request.code_hash,
        "token_hash": request.token_hash,
        "state": request.state.value,
        "wrong_codes": request.wrong_codes,
        "created_at": request.created_at,
        "expires_at": request.expires_at,
        "confirmed_at": request.confirmed_at,
        "confirmed_by": request.confirmed_by,
    }


def _request(row: Row[Any]) -> EnrolmentRequest:
    return EnrolmentRequest(
        id=row.id,
        customer_code=row.customer_code,
        channel=BillingChannel(row.channel),
        email=row.email,
        language=row.language,
        consent_version=row.consent_version,
        code_hash=row.code_hash,
        token_hash=row.token_hash,
        state=EnrolmentState(row.state),
        wrong_codes=row.wrong_codes,
        created_at=row.created_at,
        expires_at=row.expires_at,
        confirmed_at=row.confirmed_at,
        confirmed_by=row.confirmed_by,
    )
