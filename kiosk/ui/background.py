"""Running service calls off the GUI thread, and handing results back to it as queued signals.

Two lanes, as in Anki's task manager: one worker for sync, so a sync never overlaps itself, and
a small pool for what people ask for. Workers never touch widgets; the callbacks run on the GUI
thread. Tests pass an executor that runs at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Signal, Slot

logger = logging.getLogger(__name__)
T = TypeVar("T")


class TaskRunner(QObject):
    """Runs work on a lane and calls back on the GUI thread with the result or the error."""

    finished = Signal(object)
    """An _Outcome, emitted from a worker and delivered on the GUI thread.

    One Python object rather than (callback, value, error): PySide6 mishandles the reference
    count of None passed as a queued signal argument, which crashed the interpreter at exit.
    """

    def __init__(
        self, interactive: Executor | None = None, sync_lane: Executor | None = None
    ) -> None:
        super().__init__()
        self._interactive = interactive or ThreadPoolExecutor(4, thread_name_prefix="kiosk-task")
        self._sync_lane = sync_lane or ThreadPoolExecutor(1, thread_name_prefix="kiosk-sync")
        self.busy = 0
        self._closed = False
        self.finished.connect(self._on_finished)

    def run(
        self,
        work: Callable[[], T],
        on_done: Callable[[T], None],
        on_error: Callable[[Exception], None],
        *,
        sync: bool = False,
    ) -> None:
        """Do `work` on a lane; then `on_done(result)` or `on_error(error)` on the GUI thread.

        After `shutdown` (the window is closing) work is dropped: a timer that fires late
        finds nobody left to show its result."""
        if self._closed:
            return
        self.busy += 1
        lane = self._sync_lane if sync else self._interactive
        lane.submit(self._call, work, on_done, on_error)

    def shutdown(self) -> None:
        self._closed = True
        for lane in (self._interactive, self._sync_lane):
            lane.shutdown(wait=True, cancel_futures=True)

    def _call(self, work: Callable[[], Any], on_done: Any, on_error: Any) -> None:
        try:
            outcome = _Outcome(on_done, work())
        except Exception as error:  # handed to the GUI thread, which decides what people see
            outcome = _Outcome(on_error, error)
        self.finished.emit(outcome)

    @Slot(object)
    def _on_finished(self, outcome: _Outcome) -> None:
        self.busy -= 1
        owner = getattr(outcome.callback, "__self__", None)
        if isinstance(owner, QObject) and not shiboken6.isValid(owner):
            return  # the screen that asked was closed meanwhile; nobody is left to show it
        outcome.callback(outcome.argument)


@dataclass(frozen=True, slots=True)
class _Outcome:
    """What a worker hands back: the callback to run and its argument (result or error)."""

    callback: Callable[[Any], None]
    argument: Any


class ImmediateExecutor(Executor):
    """Runs submitted work at once, on the calling thread (for tests)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        fn(*args, **kwargs)
        return None
