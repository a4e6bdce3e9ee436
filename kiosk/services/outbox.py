"""The outbox: local changes waiting for SAP, and the pusher that delivers them safely.

Each entry carries a client-made reference. Entries are pushed oldest first per customer, at
least once; before repeating an attempt whose outcome is unknown, the pusher asks SAP whether
the change is already there. An entry SAP rejects is parked for staff and blocks nothing.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from kiosk.domain.billing_preference import BillingChannel
from kiosk.domain.errors import InvalidValue, NotFound
from kiosk.domain.outbox import (
    BILLING_PREFERENCE,
    EBILLING_INCENTIVE,
    INVOICE_ACTIVITY,
    INVOICE_FLAG,
    OutboxEntry,
    OutboxState,
)
from kiosk.domain.staff import StaffSession
from kiosk.services.errors import (
    NETWORK_TROUBLE,
    ExternalOutcomeUnknown,
    ExternalRejected,
    ExternalUnavailable,
)
from kiosk.services.ports.clock import Clock
from kiosk.services.ports.outbox import OutboxStore
from kiosk.services.ports.sap import SapGateway
from kiosk.services.staff_accounts import require_supervisor

logger = logging.getLogger(__name__)

FIRST_RETRY = timedelta(seconds=30)
LAST_RETRY = timedelta(hours=1)


class ReasonRequired(InvalidValue):
    """A change is discarded only with a reason."""


class Due(enum.Enum):
    """Which pending entries a push takes, by what the caller knows about SAP."""

    ON_SCHEDULE = "on schedule"
    """Only entries whose retry time has come (SAP not known to answer)."""
    SAP_ANSWERS = "sap answers"
    """Also entries held back by network trouble: the pass has just logged in, so the backoff
    that protects an unreachable SAP has nothing left to protect."""
    ALL_PENDING = "all pending"
    """Every pending entry: someone asked for a sync now. Parked entries stay parked."""


@dataclass
class PushReport:
    """What one push pass did."""

    pushed: int = 0
    parked: int = 0
    deferred: int = 0
    stopped_by: str | None = None
    parked_errors: list[str] = field(default_factory=list)


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff after a transient failure: 30 s, 1 min, 2 min ... at most an hour."""
    delay: timedelta = FIRST_RETRY * 2 ** max(0, attempts - 1)
    return min(LAST_RETRY, delay)


class OutboxPusher:
    """Delivers due outbox entries to SAP, one short transaction before and after each call."""

    def __init__(self, outbox: OutboxStore, gateway: SapGateway, clock: Clock) -> None:
        self._outbox = outbox
        self._gateway = gateway
        self._clock = clock
        self._handlers: dict[str, Callable[[OutboxEntry], None]] = {
            BILLING_PREFERENCE: self._push_billing_preference,
            INVOICE_ACTIVITY: self._push_invoice_activity,
            INVOICE_FLAG: self._push_invoice_flag,
            EBILLING_INCENTIVE: self._push_partner_fields,
        }

    def push_due(self, due: Due = Due.ON_SCHEDULE) -> PushReport:
        """Push every due entry; stop early when SAP cannot be reached at all."""
        now: datetime | None = None if due is Due.ALL_PENDING else self._clock.now()
        waived = (NETWORK_TROUBLE,) if due is Due.SAP_ANSWERS else ()
        report = PushReport()
        attempted: set[int] = set()
        waiting_customers: set[str] = set()
        while True:
            # Asked again after each round: parking or finishing an entry lets the next entry
            # of the same customer through.
            batch = [
                entry
                for entry in self._outbox.due_entries(now, waived_codes=waived)
                if entry.id not in attempted and entry.customer_code not in waiting_customers
            ]
            if not batch:
                return report
            for entry in batch:
                assert entry.id is not None
                attempted.add(entry.id)
                if not self._push(entry, report):
                    waiting_customers.add(entry.customer_code)
                if report.stopped_by:
                    return report

    def _push(self, entry: OutboxEntry, report: PushReport) -> bool:
        """Deliver one entry; False when it must wait for a later pass."""
        assert entry.id is not None
        # Recorded before the call: after a crash, attempts > 0 means "outcome unknown".
        self._outbox.start_attempt(entry.id, self._clock.now())
        try:
            self._handlers[entry.kind](entry)
        except ExternalRejected as error:
            self._outbox.park(entry.id, error.code, str(error), self._clock.now())
            report.parked += 1
            report.parked_errors.append(f"{entry.kind} {entry.customer_code}: {error}")
            logger.info("outbox %s parked: %s", entry.reference, error)
            return True
        except ExternalUnavailable as error:
            retry_at = self._clock.now() + retry_delay(entry.attempts + 1)
            self._outbox.retry_later(entry.id, retry_at, error.code, str(error), self._clock.now())
            report.deferred += 1
            if not isinstance(error, ExternalOutcomeUnknown):
                report.stopped_by = str(error)
            return False
        self._outbox.mark_done(entry.id, self._clock.now())
        report.pushed += 1
        return True

    def _push_billing_preference(self, entry: OutboxEntry) -> None:
        channel = BillingChannel(entry.payload["channel"])
        email = entry.payload.get("email")
        if entry.attempts > 0:
            # An earlier attempt may have landed: check instead of changing SAP twice.
            current = self._gateway.business_partner(entry.customer_code).value
            if current.billing_channel is channel and (current.billing_email or None) == email:
                logger.info("outbox %s was already applied in SAP", entry.reference)
                return
        self._gateway.set_billing_preference(entry.customer_code, channel, email)

    def _push_invoice_activity(self, entry: OutboxEntry) -> None:
        if entry.attempts > 0 and self._gateway.activities_with_reference(entry.reference):
            # The earlier attempt created it; posting again would record the delivery twice.
            logger.info("outbox %s was already created in SAP", entry.reference)
            return
        payload = entry.payload
        self._gateway.create_invoice_activity(
            int(payload["doc_entry"]),
            int(payload["doc_num"]),
            entry.customer_code,
            details=str(payload["details"]),
            notes=str(payload["notes"]),
            reference=entry.reference,
            at=datetime.fromisoformat(str(payload["at"])),
        )

    def _push_invoice_flag(self, entry: OutboxEntry) -> None:
        payload = entry.payload
        self._gateway.flag_invoice(
            int(payload["doc_entry"]), str(payload["field"]), str(payload["value"])
        )

    def _push_partner_fields(self, entry: OutboxEntry) -> None:
        # Absolute values: a repeat after a lost answer writes the same again, harmlessly.
        fields = {str(name): str(value) for name, value in entry.payload["fields"].items()}
        self._gateway.set_partner_fields(entry.customer_code, fields)


class OutboxAdministration:
    """What staff may do with the outbox: see it, retry a parked entry, discard one."""

    def __init__(self, outbox: OutboxStore, clock: Clock) -> None:
        self._outbox = outbox
        self._clock = clock

    def entries(self) -> list[OutboxEntry]:
        """Pending and parked entries, oldest first."""
        return self._outbox.open_entries()

    def retry(self, entry_id: int, *, by: StaffSession | str) -> OutboxEntry:
        """Send a parked entry again on the next sync.

        `by` is the staff session at the window (a supervisor or an admin, never a clerk), or
        the name of the command line's operator, who already holds the machine.
        """
        by = _resolver(by)
        entry = self._open_entry(entry_id)
        if entry.state is not OutboxState.PARKED:
            raise InvalidValue(f"outbox entry {entry_id} is {entry.state.value}, not parked")
        return self._outbox.requeue(entry_id, f"retried by {by}", self._clock.now())

    def discard(self, entry_id: int, *, reason: str, by: StaffSession | str) -> OutboxEntry:
        """Give up an entry for good, saying why (`by` as for `retry`)."""
        by = _resolver(by)
        if not reason.strip():
            raise ReasonRequired("say why the change is discarded (--reason)")
        self._open_entry(entry_id)
        return self._outbox.discard(
            entry_id, f"discarded by {by}: {reason.strip()}", self._clock.now()
        )

    def _open_entry(self, entry_id: int) -> OutboxEntry:
        entry = self._outbox.entry(entry_id)
        if entry is None:
            raise NotFound(f"there is no outbox entry {entry_id}")
        if entry.state in (OutboxState.DONE, OutboxState.DISCARDED):
            raise InvalidValue(f"outbox entry {entry_id} is already {entry.state.value}")
        return entry


def _resolver(by: StaffSession | str) -> str:
    """The name a resolution is recorded under, once the staff member's role allows it."""
    if isinstance(by, StaffSession):
        require_supervisor(by)
        return by.name
    return by
