"""Staff mode driven with taps over the demo cache: login, preferences, the sync panel, roles."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt

from kiosk.app.demo import Demo, start_demo
from kiosk.app.settings import load_settings
from kiosk.domain.billing_preference import BillingChannel
from kiosk.domain.outbox import OutboxState
from kiosk.domain.staff import Role, StaffSession
from kiosk.services.ports.sync import SyncCursor
from kiosk.services.staff_accounts import NotAllowed
from kiosk.ui.main_window import KioskWindow
from kiosk.ui.screens.staff_customers_tab import StaffCustomersTab
from kiosk.ui.screens.staff_sync_tab import StaffSyncTab
from tests.ui.kiosk_parts import choose_customer, tap


@pytest.fixture
def demo() -> Iterator[Demo]:
    running = start_demo(load_settings(None))
    running.services.staff.add("maria", Role.CLERK, "4821")
    running.services.staff.add("sofia", Role.SUPERVISOR, "9150")
    yield running
    running.stop()


def log_in(qtbot: QtBot, window: KioskWindow, name: str, pin: str) -> None:
    for _ in range(5):
        qtbot.mouseClick(window.welcome.company, Qt.MouseButton.LeftButton)
    assert window.staff_login is not None
    assert window.stack.currentWidget() is window.staff_login
    window.staff_login.user.setText(name)
    window.staff_login.pin.setText(pin)
    tap(qtbot, window.staff_login.login_button)


def staff_customers(qtbot: QtBot, window: KioskWindow) -> StaffCustomersTab:
    """Logged in as the clerk, on staff mode's customers tab."""
    log_in(qtbot, window, "maria", "4821")
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.staff, timeout=5000)
    assert window.staff is not None
    return window.staff.customers


def test_five_taps_open_the_login_and_a_wrong_pin_is_refused(
    qtbot: QtBot, window: KioskWindow
) -> None:
    log_in(qtbot, window, "maria", "0000")
    assert window.staff_login is not None
    qtbot.waitUntil(lambda: window.staff_login.message.text() == "Usuario o PIN incorrectos.")
    assert window.staff_login.pin.text() == ""

    window.staff_login.pin.setText("4821")
    tap(qtbot, window.staff_login.login_button)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.staff, timeout=5000)
    assert window.staff is not None and window.staff.who.text() == "maria · cajero"


def test_a_clerk_registers_a_preference_and_it_waits_in_the_outbox(
    qtbot: QtBot, window: KioskWindow, demo: Demo
) -> None:
    customers = staff_customers(qtbot, window)

    choose_customer(qtbot, customers, "C000007")
    assert customers.chosen.text().endswith("(C000007)")
    tabs = customers.pages.tabBar()
    assert tabs.tabText(1) == "Preferencia de facturación"
    qtbot.mouseClick(tabs, Qt.MouseButton.LeftButton, pos=tabs.tabRect(1).center())
    tap(qtbot, customers.save)
    assert customers.message.text() == "Elija papel, correo o ambos."

    customers.channel_buttons[BillingChannel.BOTH].setChecked(True)
    customers.email.clear()
    customers.consent.setChecked(True)
    tap(qtbot, customers.save)
    no_email = "Para enviar por correo, escriba el correo del cliente."
    qtbot.waitUntil(lambda: customers.message.text() == no_email, timeout=5000)
    customers.email.setText("compras@abarrotes")
    tap(qtbot, customers.save)
    bad_email = (
        "«compras@abarrotes» no es un correo válido. Revíselo (por ejemplo, pagos@empresa.com.mx)."
    )
    qtbot.waitUntil(lambda: customers.message.text() == bad_email, timeout=5000)
    assert customers.history.count() == 0  # nothing was saved

    customers.consent.setChecked(False)
    customers.email.setText("compras@abarrotes.mx")
    tap(qtbot, customers.save)
    no_consent = "Marque que el cliente acepta recibir sus facturas así."
    qtbot.waitUntil(lambda: customers.message.text() == no_consent, timeout=5000)

    customers.consent.setChecked(True)
    tap(qtbot, customers.save)
    saved = "Guardada. Se enviará a SAP en la próxima sincronización."
    qtbot.waitUntil(lambda: customers.message.text() == saved, timeout=5000)
    qtbot.waitUntil(lambda: customers.history.count() >= 1, timeout=5000)
    assert "compras@abarrotes.mx" in customers.history.item(0).text()

    [entry] = [e for e in demo.services.outbox.entries() if e.customer_code == "C000007"]
    assert entry.kind == "billing_preference" and entry.state is OutboxState.PENDING
    window.staff.tabs.setCurrentWidget(window.staff.sync)
    sync = window.staff.sync
    qtbot.waitUntil(lambda: sync.table.rowCount() >= 1, timeout=5000)
    rows = [[sync.table.item(r, c).text() for c in range(3)] for r in range(sync.table.rowCount())]
    assert ["Preferencia de facturación", "C000007", "En espera"] in rows
    assert sync.last_pulls.text().startswith("Última descarga de SAP — clientes: ")
    assert "facturas: " in sync.last_pulls.text() and "nunca" not in sync.last_pulls.text()


def open_sync_panel(qtbot: QtBot, window: KioskWindow, name: str, pin: str) -> StaffSyncTab:
    log_in(qtbot, window, name, pin)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.staff, timeout=5000)
    assert window.staff is not None
    window.staff.tabs.setCurrentWidget(window.staff.sync)
    sync = window.staff.sync
    qtbot.waitUntil(lambda: sync.table.rowCount() >= 1, timeout=5000)
    return sync


def _parked_change(demo: Demo) -> int:
    demo.services.preferences.register(
        "C000003", BillingChannel.PAPER, None, clerk="maria", consent_given=True
    )
    [entry] = [e for e in demo.services.outbox.entries() if e.customer_code == "C000003"]
    assert entry.id is not None
    demo.services.storage.outbox.park(
        entry.id, "-1116", "Field U_BillingChannel is not valid", demo.services.clock.now()
    )
    return entry.id


def test_a_clerk_cannot_discard_a_parked_change(
    qtbot: QtBot, window: KioskWindow, demo: Demo
) -> None:
    entry_id = _parked_change(demo)
    sync = open_sync_panel(qtbot, window, "maria", "4821")

    assert not sync.discard.isEnabled() and not sync.retry.isEnabled()
    assert "Solo un supervisor" in sync.message.text()
    assert sync.table.item(0, 3).text() == "Field U_BillingChannel is not valid"
    clerk = StaffSession("maria", Role.CLERK)
    with pytest.raises(NotAllowed):
        sync._services.discard(clerk, entry_id, "typo")
    assert demo.services.storage.outbox.entry(entry_id).state is OutboxState.PARKED


def test_a_supervisor_discards_a_parked_change_with_a_reason(
    qtbot: QtBot, window: KioskWindow, demo: Demo
) -> None:
    entry_id = _parked_change(demo)
    sync = open_sync_panel(qtbot, window, "sofia", "9150")
    sync.table.selectRow(0)

    tap(qtbot, sync.discard)  # no reason yet
    no_reason = "Escriba el motivo para descartar el cambio."
    qtbot.waitUntil(lambda: sync.message.text() == no_reason, timeout=5000)
    sync.reason.setText("the customer asked twice")
    tap(qtbot, sync.discard)
    qtbot.waitUntil(lambda: sync.message.text() == "Descartado", timeout=5000)

    entry = demo.services.storage.outbox.entry(entry_id)
    assert entry is not None and entry.state is OutboxState.DISCARDED
    assert "sofia" in (entry.resolution or "") and "asked twice" in (entry.resolution or "")


def test_idle_timeout_logs_staff_out(qtbot: QtBot, window: KioskWindow) -> None:
    log_in(qtbot, window, "maria", "4821")
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.staff, timeout=5000)
    window.idle.setInterval(300)
    window.idle.start()

    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.welcome, timeout=3000)
    assert window.staff is not None and window.staff.session is None
    assert window.staff.sync.session is None and window.staff.customers.session is None


def test_the_sync_panel_says_when_the_first_download_is_unfinished(
    qtbot: QtBot, window: KioskWindow, demo: Demo
) -> None:
    # What an interrupted first download leaves: invoices stored up to one DocEntry, no success.
    demo.services.storage.cursors.save_cursor(SyncCursor("invoices", last_key=120))

    log_in(qtbot, window, "maria", "4821")
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.staff, timeout=5000)
    assert window.staff is not None
    window.staff.tabs.setCurrentWidget(window.staff.sync)
    sync = window.staff.sync

    qtbot.waitUntil(lambda: "facturas: nunca" in sync.last_pulls.text(), timeout=5000)
    assert sync.last_pulls.text().endswith(
        " · la primera descarga de facturas quedó a medias; la próxima sincronización la continúa"
    )


def test_a_save_over_a_change_made_at_another_counter_is_refused_and_shows_it(
    qtbot: QtBot, window: KioskWindow, demo: Demo
) -> None:
    customers = staff_customers(qtbot, window)
    choose_customer(qtbot, customers, "C000007")
    qtbot.waitUntil(lambda: customers.version_seen is not None, timeout=5000)
    # Meanwhile, at the other counter:
    demo.services.preferences.register(
        "C000007", BillingChannel.PAPER, None, clerk="sofia", consent_given=True
    )

    tabs = customers.pages.tabBar()
    qtbot.mouseClick(tabs, Qt.MouseButton.LeftButton, pos=tabs.tabRect(1).center())
    customers.channel_buttons[BillingChannel.EMAIL].setChecked(True)
    customers.email.setText("compras@abarrotes.mx")
    customers.consent.setChecked(True)
    tap(qtbot, customers.save)

    changed = (
        "Otro mostrador cambió la preferencia de este cliente mientras usted la editaba. "
        "Abajo está la actual: revísela y guarde de nuevo."
    )
    qtbot.waitUntil(lambda: customers.message.text() == changed, timeout=5000)
    qtbot.waitUntil(lambda: customers.history.count() == 1, timeout=5000)
    assert "(sofia)" in customers.history.item(0).text()
    current = demo.services.storage.preferences.preference("C000007")
    assert current is not None and current.channel is BillingChannel.PAPER

    tap(qtbot, customers.save)  # seen now: the clerk's choice wins
    saved = "Guardada. Se enviará a SAP en la próxima sincronización."
    qtbot.waitUntil(lambda: customers.message.text() == saved, timeout=5000)
    current = demo.services.storage.preferences.preference("C000007")
    assert current is not None and current.channel is BillingChannel.EMAIL
