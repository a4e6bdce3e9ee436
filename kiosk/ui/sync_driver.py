"""The background sync in the running app: a Qt timer asks the schedule, the sync lane works."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from kiosk.services.ports.clock import Clock
from kiosk.services.sync import Progress, SyncReport
from kiosk.services.sync_schedule import SyncSchedule
from kiosk.ui.background import TaskRunner

logger = logging.getLogger(__name__)


class SyncDriver(QObject):
    """Runs `run_sync` whenever the schedule says so, never two at once; reports online/offline."""

    online_changed = Signal(bool)
    """True after a sync that reached SAP, False after one that could not."""
    progressed = Signal(str, int)
    """How far the running pass got: an entity and how many of it were received (GUI thread)."""
    _progressed_in_worker = Signal(str, int)

    def __init__(
        self,
        run_sync: Callable[[Progress, bool], SyncReport],
        schedule: SyncSchedule,
        clock: Clock,
        runner: TaskRunner,
        *,
        tick_ms: int = 1000,
    ) -> None:
        super().__init__()
        self._run_sync = run_sync
        self._schedule = schedule
        self._clock = clock
        self._runner = runner
        self.running = False
        self._asked = False
        self.last_report: SyncReport | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(tick_ms)
        self._timer.timeout.connect(self.tick)
        # Emitted in the sync lane; the driver lives in the GUI thread, so Qt queues the relay
        # and `progressed` always reaches its listeners there.
        self._progressed_in_worker.connect(self._relay_progress)

    def start(self) -> None:
        self._schedule.start(self._clock.now())
        self._timer.start()
        self.tick()

    def stop(self) -> None:
        self._timer.stop()

    def sync_now(self) -> None:
        """Someone asked: the next pass starts as soon as it can and pushes every change."""
        self._asked = True
        self._schedule.start(self._clock.now())
        self.tick()

    def local_change(self) -> None:
        """Something waits in the outbox: sync soon."""
        self._schedule.local_change(self._clock.now())

    def tick(self) -> None:
        if self.running or not self._schedule.is_due(self._clock.now()):
            return
        self.running = True
        asked, self._asked = self._asked, False
        self._runner.run(
            lambda: self._run_sync(self._progressed_in_worker.emit, asked),
            self._finished,
            self._crashed,
            sync=True,
        )

    def _relay_progress(self, entity: str, count: int) -> None:
        self.progressed.emit(entity, count)

    def _finished(self, report: SyncReport) -> None:
        self.running = False
        self.last_report = report
        now = self._clock.now()
        if report.error:
            self._schedule.failed(now)
        else:
            self._schedule.succeeded(now, changes_waiting=report.pending > 0)
        self.online_changed.emit(report.error is None)

    def _crashed(self, error: Exception) -> None:
        # SyncService reports SAP being away in the report; anything raised here is unexpected.
        self.running = False
        self._schedule.failed(self._clock.now())
        self.online_changed.emit(False)
        logger.error("background sync failed", exc_info=error)
