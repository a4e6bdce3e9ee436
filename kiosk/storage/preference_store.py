"""Billing preferences, their history, and their outbox entries, written together."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, Engine, Table, insert, select, update

from kiosk.domain.billing_preference import BillingChannel, BillingPreference, PreferenceChange
from kiosk.domain.outbox import BILLING_PREFERENCE, OutboxEntry, OutboxState
from kiosk.services.ports.preferences import (
    PreferenceChangedMeanwhile,
    PreferenceDecision,
    PreferenceOnFile,
    PreferenceState,
)
from kiosk.storage.bulk_upsert import BulkUpsert
from kiosk.storage.channel_moves import note_channel_moves
from kiosk.storage.database import unavailable_on_driver_error
from kiosk.storage.mapping import preference_from_row, preference_values
from kiosk.storage.outbox_store import insert_outbox_entry, outbox
from kiosk.storage.scaled_decimal import from_scaled, to_scaled
from kiosk.storage.tables import BillingPreferenceHistoryRow, BillingPreferenceRow

preferences = cast(Table, BillingPreferenceRow.__table__)
history = cast(Table, BillingPreferenceHistoryRow.__table__)


class SqlPreferenceStore:
    """Every write here is one transaction: the preference, its history and its outbox entry."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._new_rows = BulkUpsert(engine, preferences, ["customer_code"], update=False)

    def save_registered(
        self,
        preference: BillingPreference,
        entry: OutboxEntry,
        *,
        consent_version: str | None = None,
        confirmed_by: str | None = None,
        based_on: int | None = None,
    ) -> None:
        change = PreferenceChange(
            preference, "kiosk", entry.created_at, consent_version=consent_version,
            confirmed_by=confirmed_by,
        )  # fmt: skip
        with unavailable_on_driver_error(self._engine), self._engine.begin() as connection:
            self.register_in(connection, change, entry, based_on=based_on)

    def register_in(
        self,
        connection: Connection,
        change: PreferenceChange,
        entry: OutboxEntry,
        *,
        based_on: int | None = None,
    ) -> None:
        """Within the caller's transaction: the preference, its history row, its outbox entry.

        `based_on` is the version the clerk saw; PreferenceChangedMeanwhile when another
        change came first (None: write whatever is there, as enrolment and bounces do)."""
        preference = change.preference
        base = connection.execute(
            select(preferences.c.sap_channel, preferences.c.sap_email).where(
                preferences.c.customer_code == preference.customer_code
            )
        ).first()
        sap_channel, sap_email = (base.sap_channel, base.sap_email) if base else (None, None)
        self._write_current(connection, preference, sap_channel, sap_email, based_on)
        note_channel_moves(connection, [change])
        _add_history(connection, change)
        insert_outbox_entry(connection, entry)

    def preference_states(self, customer_codes: list[str]) -> dict[str, PreferenceState]:
        query = select(preferences).where(preferences.c.customer_code.in_(customer_codes))
        with unavailable_on_driver_error(self._engine), self._engine.connect() as connection:
            return {
                row.customer_code: PreferenceState(
                    current=preference_from_row(row),
                    sap_channel=BillingChannel(row.sap_channel) if row.sap_channel else None,
                    sap_email=row.sap_email,
                )
                for row in connection.execute(query)
            }

    def apply_decisions(self, decisions: list[PreferenceDecision], now: datetime) -> None:
        with unavailable_on_driver_error(self._engine), self._engine.begin() as connection:
            note_channel_moves(connection, [c for decision in decisions for c in decision.history])
            for decision in decisions:
                self._apply(connection, decision, now)

    def on_file(self, customer_code: str) -> PreferenceOnFile:
        query = select(preferences.c.version).where(preferences.c.customer_code == customer_code)
        changes = select(history).where(history.c.customer_code == customer_code)
        with unavailable_on_driver_error(self._engine), self._engine.connect() as connection:
            version = connection.execute(query).scalar() or 0
            found = [_change(row) for row in connection.execute(changes.order_by(history.c.id))]
        return PreferenceOnFile(version, found)

    def preference(self, customer_code: str) -> BillingPreference | None:
        state = self.preference_states([customer_code]).get(customer_code)
        return state.current if state else None

    def history(self, customer_code: str) -> list[PreferenceChange]:
        query = (
            select(history).where(history.c.customer_code == customer_code).order_by(history.c.id)
        )
        with unavailable_on_driver_error(self._engine), self._engine.connect() as connection:
            return [_change(row) for row in connection.execute(query)]

    def _apply(self, connection: Connection, decision: PreferenceDecision, now: datetime) -> None:
        sap_channel = decision.sap_channel.value if decision.sap_channel else None
        code = decision.customer_code
        if decision.new_current is not None:
            self._write_current(
                connection, decision.new_current, sap_channel, decision.sap_email, None
            )
        else:
            connection.execute(
                update(preferences)
                .where(preferences.c.customer_code == code)
                .values(sap_channel=sap_channel, sap_email=decision.sap_email)
            )
        for change in decision.history:
            _add_history(connection, change)
        if decision.supersede_pending:
            connection.execute(
                update(outbox)
                .where(
                    outbox.c.customer_code == code,
                    outbox.c.kind == BILLING_PREFERENCE,
                    outbox.c.state.in_((OutboxState.PENDING.value, OutboxState.PARKED.value)),
                )
                .values(
                    state=OutboxState.DISCARDED.value,
                    resolution=decision.supersede_pending,
                    done_at=now,
                    updated_at=now,
                )
            )
        if decision.enqueue is not None:
            insert_outbox_entry(connection, decision.enqueue)

    def _write_current(
        self,
        connection: Connection,
        preference: BillingPreference,
        sap_channel: str | None,
        sap_email: str | None,
        based_on: int | None,
    ) -> None:
        """The current preference, its version raised; with `based_on`, only over that version.

        A conditional UPDATE, then an insert of a new key only: on PostgreSQL the UPDATE holds
        the row until commit, so of two counters saving together the second matches nothing."""
        code = preference.customer_code
        named = {
            "channel": preference.channel.value, "email": preference.email,
            "consent_at": preference.consent_at, "registered_by": preference.registered_by,
            "branch": preference.branch, "sap_channel": sap_channel, "sap_email": sap_email,
        }  # fmt: skip
        query = update(preferences).where(preferences.c.customer_code == code)
        if based_on is not None:
            query = query.where(preferences.c.version == based_on)
        if connection.execute(query.values(**named, version=preferences.c.version + 1)).rowcount:
            return
        new_row = (*preference_values(preference, sap_channel, sap_email), 1)
        if based_on in (None, 0) and self._new_rows.execute(connection, [new_row]):
            return
        raise PreferenceChangedMeanwhile(
            f"the billing preference of {code} was changed at another counter meanwhile"
        )


def _change(row: Any) -> PreferenceChange:
    incentive = None if row.incentive_percent is None else from_scaled(row.incentive_percent)
    return PreferenceChange(
        preference_from_row(row), row.source, row.recorded_at, row.note,
        consent_version=row.consent_version, confirmed_by=row.confirmed_by,
        incentive_percent=incentive,
    )  # fmt: skip


def _add_history(connection: Connection, change: PreferenceChange) -> None:
    preference = change.preference
    values: dict[str, Any] = {
        "customer_code": preference.customer_code,
        "channel": preference.channel.value,
        "email": preference.email,
        "consent_at": preference.consent_at,
        "registered_by": preference.registered_by,
        "branch": preference.branch,
        "source": change.source,
        "recorded_at": change.recorded_at,
        "note": change.note,
        "consent_version": change.consent_version,
        "confirmed_by": change.confirmed_by,
        "incentive_percent": (
            None if change.incentive_percent is None else to_scaled(change.incentive_percent)
        ),
    }
    # Parameters apart from the statement: SQLAlchemy compiles it once for every customer.
    connection.execute(insert(history), values)
