"""Recording what the kiosk does, without ever getting in the way of it, and letting old events go.

A customer at the screen must not see a failed identification because an event could not be
written: a recorder that fails is logged and the work goes on.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from kiosk.domain.errors import InvalidValue
from kiosk.domain.tracking import EventKind, TrackedEvent
from kiosk.services.ports.clock import Clock
from kiosk.services.ports.tracking import EventRecorder, TrackingStore
from kiosk.services.system_clock import SystemClock

logger = logging.getLogger(__name__)

DEFAULT_KEEP_DAYS = 400
PURGE_BATCH = 5000


class _NoRecorder:
    """Keeps nothing: for callers built without tracking (tests, tools)."""

    def record(self, event: TrackedEvent) -> None:
        return None


class Tracking:
    """Records events at the clock's time; never raises."""

    def __init__(self, recorder: EventRecorder, clock: Clock) -> None:
        self._recorder = recorder
        self._clock = clock

    def record(
        self,
        kind: EventKind,
        customer_code: str | None,
        *,
        channel: str | None = None,
        outcome: str = "",
    ) -> None:
        try:
            event = TrackedEvent(kind, self._clock.now(), customer_code, channel, outcome)
            self._recorder.record(event)
        except Exception:
            # Deliberately broad: whatever went wrong, the customer's action goes on.
            logger.exception("could not record the tracking event %s", kind.value)


NO_TRACKING = Tracking(_NoRecorder(), SystemClock())
"""The default of services built without tracking: records nothing."""


class TrackingRetention:
    """Deletes events older than `keep_days`, at most once a day, a batch per transaction."""

    def __init__(
        self,
        store: TrackingStore,
        clock: Clock,
        *,
        keep_days: int = DEFAULT_KEEP_DAYS,
        batch: int = PURGE_BATCH,
    ) -> None:
        if keep_days < 1:
            raise InvalidValue(f"tracking.keep_days must be 1 or more, not {keep_days}")
        self._store = store
        self._clock = clock
        self._keep = timedelta(days=keep_days)
        self._batch = batch
        self._purged_on: date | None = None

    def purge_if_due(self) -> int:
        """Delete what is past its time, unless that was done today; how many events went.

        Never raises: an unavailable database is tried again on the next call.
        """
        today = self._clock.today()
        if self._purged_on == today:
            return 0
        try:
            deleted = self.purge()
        except Exception:
            logger.exception("could not delete old tracking events")
            return 0
        self._purged_on = today
        return deleted

    def purge(self) -> int:
        """Delete what is past its time now; how many events went."""
        cutoff = self._clock.now() - self._keep
        deleted = self._store.purge_before(cutoff, batch=self._batch)
        if deleted:
            logger.info("deleted %s tracking events older than %s", deleted, cutoff.date())
        return deleted
