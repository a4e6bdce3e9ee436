"""The background work of a branch, one pass at a time under the sync lease: push the outbox,
pull from SAP, deliver new invoices, read returned mail, let old tracking events go.

On a shared database (PostgreSQL) only the client holding the lease does this; the others get
a report naming the holder and do nothing, so SAP sees one session and each mail goes once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from kiosk.services.bounces import BounceService
from kiosk.services.delivery import DeliveryReport, DeliveryService
from kiosk.services.ports.clock import Clock
from kiosk.services.ports.lease import SyncLease
from kiosk.services.sync import Progress, SyncReport, SyncService
from kiosk.services.tracking import TrackingRetention

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PassOutcome:
    """What a pass did: the sync report (its `held_by` set when another client held the
    lease) and, when new invoices were delivered, that report."""

    report: SyncReport
    delivered: DeliveryReport | None = None


class BranchWork:
    """Runs the passes of sync and delivery, each inside the lease."""

    def __init__(
        self,
        lease: SyncLease,
        sync: SyncService,
        delivery: DeliveryService,
        bounces: BounceService,
        retention: TrackingRetention,
        clock: Clock,
    ) -> None:
        self._clock = clock
        self._lease = lease
        self._sync = sync
        self._delivery = delivery
        self._bounces = bounces
        self._retention = retention

    @property
    def shared(self) -> bool:
        """True where several clients share the database and take turns."""
        return self._lease.shared

    def run(
        self,
        *,
        full: bool = False,
        progress: Progress | None = None,
        asked: bool = False,
        deliver: bool = True,
    ) -> PassOutcome:
        """One pass if the lease is free; otherwise a report saying who has it."""
        if not self._lease.try_acquire():
            return PassOutcome(self._held_elsewhere(full))
        error: str | None = "the pass stopped before it finished"
        try:
            report = self._sync.run_once(full=full, progress=self._reporting(progress), asked=asked)
            delivered = None
            if report.error is None and deliver:
                delivered = self._delivery.deliver_new_invoices()
            # Local work and the mailbox: also when SAP is away; a bounced invoice's paper
            # copy prints in the same pass.
            bounces = self._bounces.check_if_due()
            if bounces is not None and bounces.paper_copies:
                self._delivery.send_due()
            self._retention.purge_if_due()
            error = report.error
        finally:
            self._lease.release(error)
        return PassOutcome(report, delivered)

    def deliver(self) -> DeliveryReport | None:
        """`kiosk deliver`: deliver new invoices under the lease; None when another client
        holds it (and delivers them itself)."""
        if not self._lease.try_acquire():
            return None
        error: str | None = "delivery stopped before it finished"
        try:
            delivered = self._delivery.deliver_new_invoices()
            error = None
        finally:
            self._lease.release(error)
        return delivered

    def _reporting(self, progress: Progress | None) -> Progress:
        def tell(entity: str, count: int) -> None:
            if progress is not None:
                progress(entity, count)
            self._lease.note_progress(entity, count)

        return tell

    def _held_elsewhere(self, full: bool) -> SyncReport:
        holder = self._lease.holder()
        name = holder.holder if holder else "?"
        # The holder's last failure is the branch's: SAP is away for everyone.
        error = (
            holder.error if holder and not holder.running and holder.outcome == "error" else None
        )
        logger.info("sync lease held by %s: this client does not sync now", name)
        return SyncReport(started_at=self._clock.now(), full=full, held_by=name, error=error)
