"""The Qt binding the kiosk ships with keeps Python's reference counts straight when it emits."""

from __future__ import annotations

import sys

from pytestqt.qtbot import QtBot

from PySide6.QtCore import QObject, Signal


class _Talker(QObject):
    said = Signal(object)


def test_emitting_a_signal_leaves_true_and_false_alone(qtbot: QtBot) -> None:
    # PySide6 6.12.0 drops a reference to True on each emit(); on Python 3.11 a kiosk running for
    # a day reaches zero and the interpreter aborts ("bool_dealloc"). pyproject.toml excludes it.
    talker = _Talker()
    heard: list[object] = []
    talker.said.connect(heard.append)
    before = sys.getrefcount(True), sys.getrefcount(False)

    for number in range(1000):
        talker.said.emit(number)

    assert len(heard) == 1000
    assert (sys.getrefcount(True), sys.getrefcount(False)) == before
