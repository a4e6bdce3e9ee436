"""The customer kiosk driven with taps: identify, see the invoices, mistakes, idle timeout."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QPushButton

from kiosk.domain.invoice import SapDocumentStatus
from kiosk.domain.kiosk_code import make_kiosk_code
from kiosk.services.ports.sync import SyncCursor
from kiosk.services.sync import Progress, SyncReport
from kiosk.services.sync_schedule import SyncSchedule
from kiosk.ui.background import ImmediateExecutor, TaskRunner
from kiosk.ui.screens.welcome_screen import WelcomeScreen
from kiosk.ui.sync_driver import SyncDriver
from tests.builders import make_customer, make_invoice
from tests.fakes.in_memory_cursor_store import InMemoryCursorStore
from tests.fakes.in_memory_invoice_store import InMemoryInvoiceStore
from tests.fakes.mutable_clock import MutableClock
from tests.ui.kiosk_parts import identify, kiosk_window, select_rows, table_texts, tap

NOW = datetime(2026, 3, 1, 10, 0)
TOUCH_TARGET = 64  # px, the smallest a finger hits reliably


@pytest.fixture
def store() -> InMemoryInvoiceStore:
    store = InMemoryInvoiceStore()
    store.upsert_customers([make_customer("C001", tax_id="CPN010101AB1")])
    store.upsert_invoices(
        [
            make_invoice(1, due_date=date(2026, 4, 1)),
            make_invoice(2, due_date=date(2026, 2, 1), total="1500.50"),
            make_invoice(3, paid_to_date="232.00", sap_status=SapDocumentStatus.CLOSED),
            make_invoice(4, customer_code="C999", customer_tax_id="XAXX010101000"),
        ]
    )
    return store


def test_customer_identifies_with_taps_and_sees_overdue_first(
    qtbot: QtBot, store: InMemoryInvoiceStore
) -> None:
    window = kiosk_window(qtbot, store, MutableClock(NOW))
    assert window.welcome.find_button.text() == "Consultar mis facturas"

    identify(qtbot, window, "CPN010101AB1", "1001")

    assert window.stack.currentWidget() is window.invoices
    assert window.invoices.greeting.text() == "Hola, Comercializadora Peña del Norte"
    assert table_texts(window.invoices.open_table) == [
        ["1002", "15/01/2026", "01/02/2026", "$1,500.50", "Vencida"],
        ["1001", "15/01/2026", "01/04/2026", "$232.00", "Por pagar"],
    ]
    assert table_texts(window.invoices.history_table)[0][0] == "1003"
    assert table_texts(window.invoices.history_table)[0][4] == "Pagada"


def test_customer_selects_two_invoices(qtbot: QtBot, store: InMemoryInvoiceStore) -> None:
    window = kiosk_window(qtbot, store, MutableClock(NOW))
    identify(qtbot, window, "CPN010101AB1", "1001")
    assert not window.invoices.action_buttons["pay"].isEnabled()
    assert "Toque una o varias facturas" in window.invoices.status.text()

    select_rows(qtbot, window.invoices.open_table, [0, 1])

    assert [i.doc_num for i in window.invoices.selected_invoices()] == [1002, 1001]
    buttons = window.invoices.action_buttons
    assert [buttons[a].isEnabled() for a in ("pay", "print", "email")] == [True, True, True]
    assert not buttons["view"].isEnabled()  # one invoice at a time


def test_wrong_second_factor_says_so_and_clears_the_number(
    qtbot: QtBot, store: InMemoryInvoiceStore
) -> None:
    window = kiosk_window(qtbot, store, MutableClock(NOW))

    identify(qtbot, window, "CPN010101AB1", "1004")  # someone else's invoice

    assert window.stack.currentWidget() is window.identify
    assert "No encontramos facturas" in window.identify.message.text()
    assert window.identify.invoice_number.text() == ""
    assert window.identify.who.text() == "CPN010101AB1"


def test_before_the_first_download_the_customer_is_asked_to_come_back(
    qtbot: QtBot, store: InMemoryInvoiceStore
) -> None:
    window = kiosk_window(qtbot, store, MutableClock(NOW), cursors=InMemoryCursorStore())

    identify(qtbot, window, "C001", "1001")

    assert window.stack.currentWidget() is window.identify
    assert window.identify.message.text() == (
        "Este quiosco todavía no termina de descargar las facturas de SAP. "
        "Intente de nuevo en unos minutos o pida ayuda en caja."
    )


def test_the_welcome_screen_says_the_kiosk_is_getting_ready_until_invoices_are_in(
    qtbot: QtBot, store: InMemoryInvoiceStore
) -> None:
    clock, cursors = MutableClock(NOW), InMemoryCursorStore()
    window = kiosk_window(qtbot, store, clock, cursors=cursors)

    def first_download(progress: Progress, asked: bool) -> SyncReport:
        progress("invoices", 500)
        cursors.save_cursor(SyncCursor("invoices", last_success_at=clock.now()))
        return SyncReport(started_at=clock.now(), full=False)

    runner = TaskRunner(ImmediateExecutor(), ImmediateExecutor())
    minute = timedelta(minutes=1)
    schedule = SyncSchedule(
        interval=minute, after_change=minute, retry_min=minute, retry_max=minute
    )
    driver = SyncDriver(first_download, schedule, clock, runner)
    window.watch_sync(driver)

    assert not window.welcome.find_button.isEnabled()
    assert window.welcome.preparing.isVisible()
    assert window.welcome.preparing.text().startswith("Este quiosco todavía no termina")
    driver.sync_now()
    assert window.welcome.find_button.isEnabled() and not window.welcome.preparing.isVisible()


def test_third_failure_makes_the_customer_wait(qtbot: QtBot, store: InMemoryInvoiceStore) -> None:
    window = kiosk_window(qtbot, store, MutableClock(NOW))
    identify(qtbot, window, "CPN010101AB1", "9")
    for _ in range(2):
        window.identify.invoice_number.setText("9")
        tap(qtbot, window.identify.continue_button)
    window.identify.invoice_number.setText("1001")

    tap(qtbot, window.identify.continue_button)

    assert window.identify.message.text() == "Demasiados intentos. Espere 61 segundos."
    assert window.stack.currentWidget() is window.identify


def test_idle_timeout_returns_to_welcome_and_forgets_everything(
    qtbot: QtBot, store: InMemoryInvoiceStore
) -> None:
    window = kiosk_window(qtbot, store, MutableClock(NOW), idle_seconds=1)
    identify(qtbot, window, "CPN010101AB1", "1001")
    assert window.invoices.open_table.rowCount() == 2

    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.welcome, timeout=3000)

    assert window.invoices.open_table.rowCount() == 0
    assert window.invoices.greeting.text() == ""
    assert window.identify.who.text() == ""
    assert window.identify.invoice_number.text() == ""


def test_english_for_one_customer_then_back_to_spanish(
    qtbot: QtBot, store: InMemoryInvoiceStore
) -> None:
    window = kiosk_window(qtbot, store, MutableClock(NOW))

    tap(qtbot, window.welcome.language)
    assert window.welcome.find_button.text() == "Find my invoices"
    identify(qtbot, window, "CPN010101AB1", "1001")
    assert table_texts(window.invoices.open_table)[0][1:] == [
        "01/15/2026", "02/01/2026", "$1,500.50", "Overdue",
    ]  # fmt: skip

    tap(qtbot, window.invoices.back)
    assert window.welcome.find_button.text() == "Consultar mis facturas"


class _StoreThatRecordsThreads:
    """Wraps a store and notes the thread of every call."""

    def __init__(self, store: InMemoryInvoiceStore) -> None:
        self._store = store
        self.threads: list[threading.Thread] = []

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._store, name)

        def recorded(*args: Any, **kwargs: Any) -> Any:
            self.threads.append(threading.current_thread())
            return method(*args, **kwargs)

        return recorded


def test_no_store_call_runs_on_the_gui_thread(qtbot: QtBot, store: InMemoryInvoiceStore) -> None:
    recording = _StoreThatRecordsThreads(store)
    runner = TaskRunner()  # real worker threads
    window = kiosk_window(qtbot, recording, MutableClock(NOW), runner=runner)  # type: ignore[arg-type]

    identify(qtbot, window, "CPN010101AB1", "1001")
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.invoices, timeout=3000)
    runner.shutdown()

    assert recording.threads, "the store was never called"
    assert threading.main_thread() not in recording.threads


def test_the_company_logo_from_settings_is_on_the_welcome_screen(
    qtbot: QtBot, tmp_path: Path
) -> None:
    logo_file = tmp_path / "logo.png"
    image = QImage(400, 200, QImage.Format.Format_RGB32)
    image.fill(QColor("#0B5394"))
    assert image.save(str(logo_file))

    with_logo = WelcomeScreen("Ferretería La Esperanza", logo=logo_file)
    without = WelcomeScreen("Ferretería La Esperanza", logo=tmp_path / "missing.png")
    qtbot.addWidget(with_logo)
    qtbot.addWidget(without)

    assert with_logo.logo.pixmap().height() == 140 and with_logo.logo.pixmap().width() == 280
    assert without.logo.isHidden()


def test_an_empty_field_is_explained_in_the_customers_language(
    qtbot: QtBot, store: InMemoryInvoiceStore
) -> None:
    window = kiosk_window(qtbot, store, MutableClock(NOW))
    identify(qtbot, window, "CPN010101AB1", "")

    assert window.identify.message.text() == (
        "Escriba su RFC o número de cliente y el número de una de sus facturas."
    )
    assert window.stack.currentWidget() is window.identify


def test_a_scanner_typing_the_kiosk_code_and_enter_identifies_at_once(
    qtbot: QtBot, store: InMemoryInvoiceStore
) -> None:
    window = kiosk_window(qtbot, store, MutableClock(NOW))
    tap(qtbot, window.welcome.find_button)
    screen = window.identify
    assert "QR" in screen.scan_hint.text()

    # A keyboard-wedge scanner: characters, then Enter, into the field that has the focus.
    qtbot.keyClicks(screen.who, make_kiosk_code(1001, "C001"))
    qtbot.keyClick(screen.who, Qt.Key.Key_Return)

    assert window.stack.currentWidget() is window.invoices
    assert window.invoices.greeting.text() == "Hola, Comercializadora Peña del Norte"


def test_everything_a_customer_taps_is_at_least_64_pixels(
    qtbot: QtBot, store: InMemoryInvoiceStore
) -> None:
    window = kiosk_window(qtbot, store, MutableClock(NOW))
    small: list[str] = []

    def check(screen: str) -> None:
        for button in window.stack.currentWidget().findChildren(QPushButton):
            if button.isVisible() and min(button.width(), button.height()) < TOUCH_TARGET:
                small.append(f"{screen}: {button.objectName() or button.text()} {button.size()}")

    check("welcome")
    tap(qtbot, window.welcome.find_button)
    check("identify")
    tap(qtbot, window.identify.back)
    identify(qtbot, window, "CPN010101AB1", "1001")
    check("invoices")

    assert small == []
    assert window.invoices.open_table.rowHeight(0) >= TOUCH_TARGET
