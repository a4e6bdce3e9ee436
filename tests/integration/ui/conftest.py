"""The kiosk window over the demo of each test module (which defines its own `demo` fixture)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from kiosk.app.demo import Demo
from kiosk.app.gui import build_window
from kiosk.app.settings import load_settings
from kiosk.app.wiring import Services, build_services
from kiosk.sap_emulator.data_store import EmulatorData
from kiosk.sap_emulator.demo_data import seed_demo_company
from kiosk.sap_emulator.server import (
    DEMO_COMPANY,
    DEMO_PASSWORD,
    DEMO_USER,
    ServiceLayerEmulator,
)
from kiosk.ui.background import TaskRunner
from kiosk.ui.main_window import KioskWindow
from tests.fixtures.postgres import scratch_database


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


@pytest.fixture
def branch_url() -> Iterator[str]:
    """A PostgreSQL database of its own, for a test that takes it down."""
    with scratch_database(f"kiosk_down_{os.getpid()}") as url:
        yield url


@pytest.fixture
def branch_services(branch_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Services]:
    """A kiosk's services on that database, after a first sync with a small emulated company."""
    data = EmulatorData()
    seed_demo_company(data, customers=10, invoices=60)
    with ServiceLayerEmulator(data) as emulator:
        for key, value in {
            "DATABASE__URL": branch_url, "SAP__BASE_URL": emulator.service_root("v2"),
            "SAP__COMPANY_DB": DEMO_COMPANY, "SAP__USERNAME": DEMO_USER,
            "SAP__PASSWORD": DEMO_PASSWORD,
        }.items():  # fmt: skip
            monkeypatch.setenv(f"KIOSK_{key}", value)
        built = build_services(load_settings(None))
        assert built.sync.run_once().error is None
        yield built
        built.close()
