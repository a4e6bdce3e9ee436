"""The staff sync panel of a counter on the branch's PostgreSQL: while another client holds
the sync lease, "Sincronizar ahora" syncs nothing here and the panel names that client and
how far it got; once it is done, how its pass went."""

from __future__ import annotations

from datetime import datetime

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt

from kiosk.app.gui import build_sync_driver, build_window
from kiosk.app.settings import load_settings
from kiosk.app.wiring import Services
from kiosk.domain.staff import Role
from kiosk.storage.sync_lease import PostgresSyncLease
from kiosk.ui.background import TaskRunner
from tests.fakes.mutable_clock import MutableClock
from tests.ui.kiosk_parts import tap

OTHER = "MTY-01 #2 (caja2, pid 4121)"


def test_the_panel_names_the_client_that_syncs_the_branch(qtbot: QtBot, branch_services: Services):
    services = branch_services
    services.staff.add("maria", Role.CLERK, "482193")
    other = PostgresSyncLease(
        services.storage.engine, OTHER, MutableClock(datetime(2026, 12, 3, 10))
    )
    assert other.try_acquire()
    other.note_progress("invoices", 1500)
    runner = TaskRunner()
    settings = load_settings(None)
    window = build_window(settings, services, runner)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    driver = build_sync_driver(settings, services, runner)
    window.watch_sync(driver)
    try:
        for _ in range(5):  # five quick taps on the company name
            qtbot.mouseClick(window.welcome.company, Qt.MouseButton.LeftButton)
        assert window.staff_login is not None
        window.staff_login.user.setText("maria")
        window.staff_login.pin.setText("482193")
        tap(qtbot, window.staff_login.login_button)
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.staff, timeout=5000)
        assert window.staff is not None
        window.staff.tabs.setCurrentWidget(window.staff.sync)
        sync = window.staff.sync
        with qtbot.waitSignal(driver.online_changed, timeout=10000):
            tap(qtbot, sync.sync_now)

        syncing = f"Sincroniza la sucursal: {OTHER}, desde las 10:00:00; facturas: 1,500"
        qtbot.waitUntil(lambda: syncing in sync.last_pulls.text(), timeout=5000)
        assert driver.last_report is not None and driver.last_report.held_by == OTHER

        other.release(None)
        sync.refresh()
        done = f"Última sincronización de la sucursal: {OTHER}, 2026-12-03 10:00:00, completa"
        qtbot.waitUntil(lambda: done in sync.last_pulls.text(), timeout=5000)
    finally:
        other.release(None)
        runner.shutdown()


def test_a_touchscreen_that_only_reads_runs_no_sync_of_its_own(branch_services: Services):
    settings = load_settings(None)
    reader = settings.model_copy(
        update={"sync": settings.sync.model_copy(update={"background": False})}
    )
    runner = TaskRunner()

    assert build_sync_driver(settings, branch_services, runner) is not None
    assert build_sync_driver(reader, branch_services, runner) is None
    runner.shutdown()
