"""Billing preferences as registered locally and reconciled with SAP."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from kiosk.domain.billing_preference import BillingChannel, BillingPreference, PreferenceChange
from kiosk.domain.errors import DomainError
from kiosk.domain.outbox import OutboxEntry


@dataclass(frozen=True, slots=True)
class PreferenceState:
    """A customer's current preference and what SAP held for it when we last looked."""

    current: BillingPreference | None
    sap_channel: BillingChannel | None
    sap_email: str | None


@dataclass(frozen=True, slots=True)
class PreferenceDecision:
    """What a pull decided for one customer's preference, written in one transaction."""

    customer_code: str
    sap_channel: BillingChannel | None
    sap_email: str | None
    new_current: BillingPreference | None = None
    history: tuple[PreferenceChange, ...] = ()
    supersede_pending: str | None = None  # resolution text for pending pushes now obsolete
    enqueue: OutboxEntry | None = None


class PreferenceChangedMeanwhile(DomainError):
    """Another counter saved this customer's preference after the clerk saw it: look again."""


@dataclass(frozen=True, slots=True)
class PreferenceOnFile:
    """A customer's preference history as a clerk sees it, and the version it is at (0: none
    yet); saving with that version refuses to overwrite a change made meanwhile."""

    version: int
    history: list[PreferenceChange]


class PreferenceStore(Protocol):
    """Billing preferences with their history, written together with their outbox entries."""

    def save_registered(
        self,
        preference: BillingPreference,
        entry: OutboxEntry,
        *,
        consent_version: str | None = None,
        confirmed_by: str | None = None,
        based_on: int | None = None,
    ) -> None:
        """The preference, its history row (with the consent version in force and who
        confirmed it) and its outbox entry, in one transaction; with `based_on`, only if the
        preference is still at that version (else PreferenceChangedMeanwhile)."""
        ...

    def on_file(self, customer_code: str) -> PreferenceOnFile: ...

    def preference_states(self, customer_codes: list[str]) -> dict[str, PreferenceState]: ...

    def apply_decisions(self, decisions: list[PreferenceDecision], now: datetime) -> None: ...

    def history(self, customer_code: str) -> list[PreferenceChange]: ...
