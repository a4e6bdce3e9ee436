"""Registering billing preferences at the counter, and reconciling them with SAP's values."""

from __future__ import annotations

from datetime import datetime

from kiosk.domain.billing_preference import BillingChannel, BillingPreference, PreferenceChange
from kiosk.domain.email_address import normalize_email
from kiosk.domain.errors import InvalidValue, NotFound
from kiosk.domain.outbox import BILLING_PREFERENCE, OutboxEntry
from kiosk.domain.tracking import EventKind
from kiosk.services.ports.cache import InvoiceStore
from kiosk.services.ports.clock import Clock
from kiosk.services.ports.preferences import (
    PreferenceDecision,
    PreferenceOnFile,
    PreferenceState,
    PreferenceStore,
)
from kiosk.services.ports.sync import Pulled, SapCustomer
from kiosk.services.tracking import NO_TRACKING, Tracking

KIOSK = "kiosk"
SAP = "sap"
SAP_CLERK = "SAP"


class ConsentMissing(InvalidValue):
    """A preference is registered only with the customer's consent."""


class PreferenceService:
    """Saves a preference locally at once (visible offline) and queues it for SAP."""

    def __init__(
        self,
        invoices: InvoiceStore,
        preferences: PreferenceStore,
        clock: Clock,
        *,
        branch: str,
        tracking: Tracking = NO_TRACKING,
        consent_version: str | None = None,
    ) -> None:
        self._consent_version = consent_version
        """The version of the consent text in force, kept with each registration."""
        self._tracking = tracking
        self._invoices = invoices
        self._preferences = preferences
        self._clock = clock
        self._branch = branch

    def register(
        self,
        customer_code: str,
        channel: BillingChannel,
        email: str | None,
        *,
        clerk: str,
        consent_given: bool,
        based_on: int | None = None,
    ) -> BillingPreference:
        """Record how the customer wants invoices; raise InvalidValue naming what is wrong.

        `based_on` is the version of the preference the clerk saw (`on_file`): a change saved
        at another counter since then is not overwritten (PreferenceChangedMeanwhile)."""
        if self._invoices.customer(customer_code) is None:
            raise NotFound(f"no customer with code {customer_code!r} in the local cache")
        if not consent_given:
            raise ConsentMissing("the customer's consent is needed before registering a preference")
        address = normalize_email(email) if email and email.strip() else None
        preference = BillingPreference(
            customer_code=customer_code,
            channel=channel,
            email=address,
            consent_at=self._clock.now(),
            registered_by=clerk,
            branch=self._branch,
        )
        entry = OutboxEntry.new(
            BILLING_PREFERENCE,
            customer_code,
            {"channel": channel.value, "email": address},
            self._clock.now(),
        )
        self._preferences.save_registered(
            preference, entry, consent_version=self._consent_version, confirmed_by=clerk,
            based_on=based_on,
        )  # fmt: skip
        self._tracking.record(EventKind.PREFERENCE_CHANGED, customer_code, channel=channel.value)
        return preference

    def history(self, customer_code: str) -> list[PreferenceChange]:
        return self._preferences.history(customer_code)

    def on_file(self, customer_code: str) -> PreferenceOnFile:
        """The history a clerk looks at, with the version a save from it is based on."""
        return self._preferences.on_file(customer_code)


def reconcile_with_sap(
    pulled: Pulled[SapCustomer], state: PreferenceState | None, now: datetime
) -> PreferenceDecision | None:
    """Decide what SAP's billing fields mean for the local preference.

    SAP's current value is compared with what SAP held when we last looked (the base). An
    unchanged SAP value is an old one our pending push will replace. A changed one is a change
    made in SAP meanwhile: the later of it and the kiosk's registration wins, and both are kept
    in the history.
    """
    sap = pulled.value
    code = sap.customer.code
    sap_values = (sap.billing_channel, sap.billing_email or None)
    current = state.current if state else None
    base = (state.sap_channel, state.sap_email or None) if state else (None, None)
    if sap_values == base and state is not None:
        return None
    if sap.billing_channel is None:
        if state is None:
            return None  # nothing here and nothing in SAP: no row to remember a base on
        # SAP holds no preference (or one we cannot read): nothing to adopt; remember the base.
        return PreferenceDecision(code, None, None)
    sap_preference = BillingPreference(
        customer_code=code,
        channel=sap.billing_channel,
        email=sap.billing_email or None,
        consent_at=pulled.updated_at or now,
        registered_by=SAP_CLERK,
        branch=SAP_CLERK,
    )
    if current is None:
        change = PreferenceChange(sap_preference, SAP, now, "read from SAP")
        return PreferenceDecision(code, *sap_values, new_current=sap_preference, history=(change,))
    if sap_values == (current.channel, current.email):
        return PreferenceDecision(code, *sap_values)  # SAP now holds what the kiosk registered
    sap_changed_at = pulled.updated_at or now
    if sap_changed_at > current.consent_at:
        note = f"changed in SAP at {sap_changed_at:%Y-%m-%d %H:%M}, after the kiosk's registration"
        return PreferenceDecision(
            code,
            *sap_values,
            new_current=sap_preference,
            history=(PreferenceChange(sap_preference, SAP, now, note),),
            supersede_pending="superseded by a later change made in SAP",
        )
    note = (
        f"SAP's value from {sap_changed_at:%Y-%m-%d %H:%M} is older than the kiosk's "
        "registration, which is kept and sent to SAP"
    )
    resend = OutboxEntry.new(
        BILLING_PREFERENCE, code, {"channel": current.channel.value, "email": current.email}, now
    )
    return PreferenceDecision(
        code,
        *sap_values,
        history=(PreferenceChange(sap_preference, SAP, now, note),),
        supersede_pending="replaced by a new push of the kiosk's preference",
        enqueue=resend,
    )
