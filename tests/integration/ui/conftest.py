"""The kiosk window over the demo of each test module (which defines its own `demo` fixture)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from kiosk.app.demo import Demo
from kiosk.app.gui import build_window
from kiosk.ui.background import TaskRunner
from kiosk.ui.main_window import KioskWindow


def shown_window(qtbot: QtBot, demo: Demo) -> Iterator[KioskWindow]:
    """A 1280x800 kiosk window over a demo, its background runner shut down afterwards."""
    runner = TaskRunner()
    window = build_window(demo.settings, demo.services, runner)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    yield window
    runner.shutdown()


@pytest.fixture
def window(qtbot: QtBot, demo: Demo) -> Iterator[KioskWindow]:
    yield from shown_window(qtbot, demo)
