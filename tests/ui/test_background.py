"""Work runs on worker threads; results come back on the GUI thread, or nowhere if it closed."""

from __future__ import annotations

import threading

from pytestqt.qtbot import QtBot

import shiboken6
from PySide6.QtWidgets import QLabel

from kiosk.ui.background import TaskRunner


def test_the_result_arrives_on_the_gui_thread(qtbot: QtBot) -> None:
    runner = TaskRunner()
    seen: list[tuple[str, bool]] = []
    runner.run(
        lambda: threading.current_thread().name,
        lambda worker: seen.append((worker, threading.current_thread() is threading.main_thread())),
        lambda error: seen.append((repr(error), False)),
    )
    qtbot.waitUntil(lambda: bool(seen), timeout=3000)
    runner.shutdown()

    assert seen[0][0].startswith("kiosk-task") and seen[0][1]
    assert runner.busy == 0


def test_errors_come_back_as_values_not_crashes(qtbot: QtBot) -> None:
    runner = TaskRunner()
    errors: list[Exception] = []

    def broken() -> None:
        raise ValueError("SAP said no")

    runner.run(broken, lambda _value: None, errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=3000)
    runner.shutdown()

    assert str(errors[0]) == "SAP said no"


def test_a_result_for_a_closed_screen_is_dropped_quietly(qtbot: QtBot) -> None:
    runner = TaskRunner()
    release = threading.Event()
    label = QLabel()
    runner.run(lambda: release.wait(5) and "late", label.setText, label.setText)
    shiboken6.delete(label)  # the customer walked away; the idle timeout closed the screen

    release.set()
    qtbot.waitUntil(lambda: runner.busy == 0, timeout=3000)  # no exception in the event loop
    runner.shutdown()


def test_work_asked_for_after_shutdown_is_dropped_not_raised():
    runner = TaskRunner()
    runner.shutdown()
    done: list[object] = []

    runner.run(lambda: 1, done.append, done.append)  # a late timer of a closing window

    assert done == [] and runner.busy == 0
