"""What the screens and `kiosk status` say about sync: online or not, how fresh, what waits."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from kiosk.language.catalogue import Texts
from kiosk.services.ports.lease import LeaseHolder, SyncLease
from kiosk.services.ports.outbox import OutboxStore
from kiosk.services.ports.sync import SyncCursorStore
from kiosk.services.sync import INVOICES, SyncReport


class Connection(enum.Enum):
    ONLINE = "online"
    OFFLINE = "offline"
    SYNCING = "syncing"
    UNKNOWN = "unknown"  # no pass has run in this process yet


@dataclass(frozen=True, slots=True)
class SyncStatus:
    """A snapshot of sync for display; safe to hand to the GUI thread."""

    connection: Connection
    last_success: dict[str, datetime | None]
    pending: int
    parked: int
    last_error: str | None
    last_attempt_at: datetime | None
    first_download_stored_up_to: int | None = None
    """The last invoice DocEntry an unfinished first download stored; the next pass goes on."""
    branch: LeaseHolder | None = None
    """On a shared database: the client that syncs the branch now, or did last."""


def current_status(
    cursors: SyncCursorStore,
    outbox: OutboxStore,
    last_report: SyncReport | None,
    *,
    syncing: bool = False,
    branch: LeaseHolder | None = None,
) -> SyncStatus:
    """Build the status from stored cursors, the outbox and the last pass of this process."""
    counts = outbox.counts()
    if syncing:
        connection = Connection.SYNCING
    elif last_report is None:
        connection = Connection.UNKNOWN
    else:
        connection = Connection.OFFLINE if last_report.error else Connection.ONLINE
    stored = cursors.cursors()
    unfinished = next(
        (c.last_key for c in stored if c.entity == INVOICES and not c.last_success_at), None
    )
    return SyncStatus(
        connection=connection,
        last_success={cursor.entity: cursor.last_success_at for cursor in stored},
        pending=counts.get("pending", 0),
        parked=counts.get("parked", 0),
        last_error=last_report.error if last_report else None,
        last_attempt_at=last_report.started_at if last_report else None,
        first_download_stored_up_to=unfinished,
        branch=branch,
    )


class SyncStatusReader:
    """Reads the status of sync for `kiosk status` and the staff sync panel."""

    def __init__(
        self, cursors: SyncCursorStore, outbox: OutboxStore, lease: SyncLease | None = None
    ) -> None:
        self._cursors = cursors
        self._outbox = outbox
        self._lease = lease

    def current(
        self, last_report: SyncReport | None = None, *, syncing: bool = False
    ) -> SyncStatus:
        """The status now, from stored cursors, the outbox and this process's last pass."""
        branch = self._lease.holder() if self._lease is not None else None
        return current_status(
            self._cursors, self._outbox, last_report, syncing=syncing, branch=branch
        )


def branch_sync_text(holder: LeaseHolder, texts: Texts) -> str:
    """One line on who syncs the branch: now and how far, or last and how it went."""
    entity = texts.get(f"entity_{holder.activity}", holder.activity or "")
    if holder.running:
        return texts.format(
            "branch_syncing", holder=holder.holder, since=f"{holder.granted_at:%H:%M:%S}",
            entity=entity, count=f"{holder.progress:,}",
        )  # fmt: skip
    if holder.finished_at is None:
        # The lock went with its connection before the pass could say how it went.
        return texts.format(
            "branch_sync_interrupted", holder=holder.holder,
            moment=f"{holder.heartbeat_at:%Y-%m-%d %H:%M:%S}",
        )  # fmt: skip
    if holder.outcome == "error":
        return texts.format(
            "branch_sync_failed", holder=holder.holder,
            moment=f"{holder.finished_at:%Y-%m-%d %H:%M:%S}", error=holder.error or "",
        )  # fmt: skip
    return texts.format(
        "branch_synced", holder=holder.holder, moment=f"{holder.finished_at:%Y-%m-%d %H:%M:%S}"
    )
