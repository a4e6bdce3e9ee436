"""Building the kiosk window over fakes for GUI tests, and driving it as a customer would."""

from __future__ import annotations

from functools import partial

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QTableWidget

from kiosk.services.customer_identification import CustomerIdentification
from kiosk.services.ports.cache import InvoiceStore
from kiosk.services.ports.clock import Clock
from kiosk.services.ports.sync import SyncCursorStore
from kiosk.ui.background import ImmediateExecutor, TaskRunner
from kiosk.ui.main_window import KioskWindow
from kiosk.ui.screens.identify_screen import IdentifyScreen
from kiosk.ui.screens.staff_customers_tab import StaffCustomersTab
from kiosk.ui.widgets.onscreen_keys import OnScreenKeys


def kiosk_window(
    qtbot: QtBot,
    store: InvoiceStore,
    clock: Clock,
    *,
    runner: TaskRunner | None = None,
    idle_seconds: int = 90,
    cursors: SyncCursorStore | None = None,
) -> KioskWindow:
    runner = runner or TaskRunner(ImmediateExecutor(), ImmediateExecutor())
    window = KioskWindow(
        company="Ferretería La Esperanza",
        language="es",
        idle_seconds=idle_seconds,
        identify=partial(IdentifyScreen, CustomerIdentification(store, clock, cursors), runner),
        clock=clock,
        runner=runner,
    )
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    return window


def tap(qtbot: QtBot, button: QPushButton) -> None:
    assert button.isVisible() and button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def type_on_screen(qtbot: QtBot, screen: IdentifyScreen, text: str) -> None:
    """Press the on-screen keys one by one, digits on the keypad, letters on the keyboard."""
    for character in text:
        keys: OnScreenKeys = screen.digits if character.isdigit() else screen.letters
        button = keys.findChild(QPushButton, f"key-{character}")
        assert button is not None, f"no on-screen key {character!r}"
        tap(qtbot, button)


def identify(qtbot: QtBot, window: KioskWindow, who: str, number: str) -> None:
    """From the welcome screen: tap Find, type both fields on screen, tap Continue."""
    tap(qtbot, window.welcome.find_button)
    screen = window.identify
    type_on_screen(qtbot, screen, who)
    qtbot.mouseClick(screen.invoice_number, Qt.MouseButton.LeftButton)
    type_on_screen(qtbot, screen, number)
    tap(qtbot, screen.continue_button)


def table_texts(table: QTableWidget) -> list[list[str]]:
    return [
        [table.item(row, column).text() for column in range(table.columnCount())]
        for row in range(table.rowCount())
    ]


def select_rows(qtbot: QtBot, table: QTableWidget, rows: list[int]) -> None:
    """Tap rows of a table, one after the other."""
    for row in rows:
        rect = table.visualRect(table.model().index(row, 0))
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def log_in_staff(qtbot: QtBot, window: KioskWindow, name: str, pin: str) -> None:
    """Open the staff login with the hidden key combination, log in, wait for staff mode."""
    qtbot.keyClick(
        window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
    )
    assert window.staff_login is not None
    assert window.stack.currentWidget() is window.staff_login
    window.staff_login.user.setText(name)
    window.staff_login.pin.setText(pin)
    tap(qtbot, window.staff_login.login_button)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.staff, timeout=5000)


def choose_customer(qtbot: QtBot, customers: StaffCustomersTab, code: str) -> None:
    """Type a customer code in the staff search and tap the one customer found."""
    qtbot.keyClicks(customers.search, code)
    qtbot.waitUntil(lambda: customers.results.count() == 1, timeout=5000)
    item = customers.results.item(0)
    qtbot.mouseClick(
        customers.results.viewport(),
        Qt.MouseButton.LeftButton,
        pos=customers.results.visualItemRect(item).center(),
    )
