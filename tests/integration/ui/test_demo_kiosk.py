"""The kiosk over the demo: the bundled emulator, a real SQLite cache, a real first sync."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest

from kiosk.app.demo import Demo, start_demo
from kiosk.app.gui import build_sync_driver, build_window
from kiosk.app.settings import load_settings
from kiosk.domain.billing_preference import BillingChannel
from kiosk.domain.staff import Role
from kiosk.ui.background import TaskRunner
from kiosk.ui.main_window import KioskWindow
from tests.ui.kiosk_parts import identify, log_in_staff, table_texts, tap


@pytest.fixture
def demo() -> Iterator[Demo]:
    running = start_demo(load_settings(None))
    yield running
    running.stop()


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    runner = TaskRunner()
    yield runner
    runner.shutdown()


def test_the_demo_hint_identifies_a_customer_from_the_synced_cache(
    qtbot: QtBot, demo: Demo, runner: TaskRunner
) -> None:
    window = build_window(demo.settings, demo.services, runner, demo_hint=demo.hint)
    qtbot.addWidget(window)
    window.show()
    assert window.welcome.demo.isVisible() and window.welcome.demo.text() == "DEMO"
    tax_id, number = demo.hint.removeprefix("RFC ").split(" + ")

    identify(qtbot, window, tax_id, number)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.invoices, timeout=5000)

    rows = table_texts(window.invoices.open_table)
    assert number in [row[0] for row in rows]
    assert rows[0][4] == "Vencida"
    expected = demo.services.storage.invoices.open_invoices_for_customer(
        demo.services.storage.invoices.customers_by_tax_id(tax_id)[0].code
    )
    assert len(rows) == len(expected)


def test_offline_banner_appears_when_sap_stops_answering(
    qtbot: QtBot, demo: Demo, runner: TaskRunner
) -> None:
    window = build_window(demo.settings, demo.services, runner)
    qtbot.addWidget(window)
    window.show()
    driver = build_sync_driver(demo.settings, demo.services, runner)
    window.watch_sync(driver)
    demo.emulator.faults.fail_next(".", method="GET", status=503, times=1000)
    demo.emulator.faults.fail_next(".", method="POST", status=503, times=1000)

    with qtbot.waitSignal(driver.online_changed, timeout=20000) as first:
        driver.sync_now()
    assert first.args == [False]
    assert window.offline.isVisible()
    assert window.offline.text() == "Sin conexión con SAP: mostramos la información guardada"

    demo.emulator.faults.clear()
    with qtbot.waitSignal(driver.online_changed, timeout=20000) as second:
        driver.sync_now()
    assert second.args == [True]
    assert not window.offline.isVisible()


def test_staff_see_how_far_a_running_sync_got(
    qtbot: QtBot, window: KioskWindow, demo: Demo, runner: TaskRunner
) -> None:
    driver = build_sync_driver(demo.settings, demo.services, runner)
    window.watch_sync(driver)
    demo.services.preferences.register(
        "C000001", BillingChannel.PAPER, None, clerk="sofia", consent_given=True
    )
    demo.services.staff.add("sofia", Role.CLERK, "9150")
    log_in_staff(qtbot, window, "sofia", "9150")
    assert window.staff is not None
    qtbot.waitUntil(lambda: window.staff.sync.table.rowCount() == 1)  # waiting for SAP
    shown: list[str] = []
    driver.progressed.connect(lambda _entity, _count: shown.append(window.staff.sync.status.text()))

    with qtbot.waitSignal(driver.online_changed, timeout=20000):
        driver.sync_now()

    assert driver.last_report is not None
    pulled = driver.last_report.pulled
    assert f"Sincronizando con SAP… facturas: {pulled['invoices']:,}" in shown
    assert f"Sincronizando con SAP… clientes: {pulled['customers']:,}" in shown
    # Then the history of older payments, a window a pass, for statements of account.
    assert (
        shown[-1]
        == f"Sincronizando con SAP… pagos anteriores: {driver.last_report.payment_history:,}"
    )
    assert window.staff.sync.status.text() == "Conectado con SAP"
    qtbot.waitUntil(lambda: window.staff.sync.table.rowCount() == 0)  # pushed, so gone


def test_sync_now_sends_a_change_sap_failed_without_waiting_out_its_retry(
    qtbot: QtBot, window: KioskWindow, demo: Demo, runner: TaskRunner
) -> None:
    driver = build_sync_driver(demo.settings, demo.services, runner)
    window.watch_sync(driver)
    demo.services.preferences.register(
        "C000001", BillingChannel.PAPER, None, clerk="sofia", consent_given=True
    )
    demo.emulator.faults.fail_next(r"^BusinessPartners\('C000001'\)", method="PATCH", status=500)
    with qtbot.waitSignal(driver.online_changed, timeout=20000):
        driver.start()  # the pass at start: SAP fails the write, the change waits for its retry
        driver.stop()  # no timer: the next pass is the one staff ask for
    assert driver.last_report is not None and driver.last_report.pending == 1
    demo.services.staff.add("sofia", Role.CLERK, "9150")
    log_in_staff(qtbot, window, "sofia", "9150")
    assert window.staff is not None
    window.staff.tabs.setCurrentWidget(window.staff.sync)
    qtbot.waitUntil(lambda: window.staff.sync.table.rowCount() == 1)

    with qtbot.waitSignal(driver.online_changed, timeout=20000):
        tap(qtbot, window.staff.sync.sync_now)

    assert driver.last_report.push.pushed == 1 and driver.last_report.pending == 0
    qtbot.waitUntil(lambda: window.staff.sync.table.rowCount() == 0)
    assert demo.emulator.data.get("BusinessPartners", "C000001")["U_BillingChannel"] == "PAPER"


KIOSK = str(Path(sys.executable).with_name("kiosk"))


def test_kiosk_demo_command_starts_and_closes_cleanly() -> None:
    # A process of its own: once a QApplication's exec() has returned, timers in later tests stop.
    done = subprocess.run(
        [KIOSK, "--demo", "--smoke-test"], capture_output=True, text=True, timeout=120
    )

    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr


def test_without_a_display_the_kiosk_says_so_instead_of_crashing() -> None:
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    done = subprocess.run(
        [KIOSK, "--demo"], capture_output=True, text=True, timeout=60, env=environment
    )

    assert done.returncode == 3
    assert "no display" in done.stderr and "xvfb-run" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_demo_shows_and_accepts_its_staff_login(
    qtbot: QtBot, demo: Demo, runner: TaskRunner
) -> None:
    window = build_window(demo.settings, demo.services, runner, demo_hint=demo.welcome_hint)
    qtbot.addWidget(window)
    window.show()
    assert "demo · PIN 1234 (Ctrl+Alt+S)" in window.welcome.demo_hint.text()

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    QTest.keySequence(window.windowHandle(), QKeySequence("Ctrl+Alt+S"))
    assert window.staff_login is not None
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.staff_login, timeout=3000)
    window.staff_login.user.setText("demo")
    window.staff_login.pin.setText("1234")
    tap(qtbot, window.staff_login.login_button)

    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.staff, timeout=5000)
    assert window.staff is not None and window.staff.who.text() == "demo · supervisor"
