"""Disputes in the kiosk's screens over the demo cache and a real SMTP server: a customer
disputes a line and pays the rest, staff move it by role, and the customer hears of it."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QPushButton

from kiosk.app.demo import Demo, start_demo
from kiosk.app.settings import load_settings
from kiosk.domain.billing_preference import BillingChannel
from kiosk.domain.display_formats import format_money
from kiosk.domain.dispute import DisputeReason, DisputeState
from kiosk.domain.invoice import Invoice
from kiosk.domain.money import Money
from kiosk.domain.staff import Role
from kiosk.ui.main_window import KioskWindow
from kiosk.ui.screens.dispute_screen import DisputeScreen
from kiosk.ui.screens.staff_disputes_tab import StaffDisputesTab
from tests.fixtures.delivery_parts import MailServer
from tests.integration.ui.test_screen_fit import check_fits
from tests.ui.kiosk_parts import identify, log_in_staff, select_rows, tap

ADDRESS = "pagos@abarrotes-maya.mx"


@pytest.fixture
def demo(monkeypatch: pytest.MonkeyPatch, mail_server: MailServer) -> Iterator[Demo]:
    monkeypatch.setenv("KIOSK_SMTP__HOST", "127.0.0.1")
    monkeypatch.setenv("KIOSK_SMTP__PORT", str(mail_server.port))
    monkeypatch.setenv("KIOSK_SMTP__SECURITY", "none")
    monkeypatch.setenv("KIOSK_SMTP__SENDER", "facturas@miempresa.mx")
    running = start_demo(load_settings(None))
    services = running.services
    services.staff.add("sofia", Role.SUPERVISOR, "9150")
    services.staff.add("maria", Role.CLERK, "4821")
    services.preferences.register(
        _customer_code(running), BillingChannel.EMAIL, ADDRESS, clerk="sofia", consent_given=True
    )
    yield running
    running.stop()


def _hint(demo: Demo) -> tuple[str, str]:
    tax_id, number = demo.hint.removeprefix("RFC ").split(" + ")
    return tax_id, number


def _customer_code(demo: Demo) -> str:
    return demo.services.storage.invoices.customers_by_tax_id(_hint(demo)[0])[0].code


def _invoice(demo: Demo) -> Invoice:
    return demo.services.documents.invoice_by_number(int(_hint(demo)[1]))


def _identify(qtbot: QtBot, window: KioskWindow, demo: Demo) -> None:
    identify(qtbot, window, *_hint(demo))
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.invoices, timeout=5000)


def _open_row(window: KioskWindow, doc_num: int) -> int:
    table = window.invoices.open_table
    return next(row for row in range(table.rowCount()) if table.item(row, 0).text() == str(doc_num))


def _type_on_keys(qtbot: QtBot, screen: DisputeScreen, text: str) -> None:
    for character in text:
        keys = screen.digits if character.isdigit() or character == "." else screen.letters
        name = "␣" if character == " " else character
        button = keys.findChild(QPushButton, f"key-{name}")
        assert button is not None, f"no on-screen key {character!r}"
        tap(qtbot, button)


def _to_dispute_screen(qtbot: QtBot, window: KioskWindow, doc_num: int) -> DisputeScreen:
    select_rows(qtbot, window.invoices.open_table, [_open_row(window, doc_num)])
    tap(qtbot, window.invoices.action_buttons["view"])
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.detail, timeout=15000)
    assert window.detail.dispute.text() == "No estoy de acuerdo"
    tap(qtbot, window.detail.dispute)
    assert window.stack.currentWidget() is window.dispute
    return window.dispute


def test_a_customer_disputes_a_line_and_pays_only_the_undisputed_rest(
    qtbot: QtBot, window: KioskWindow, demo: Demo, mail_server: MailServer
) -> None:
    invoice = _invoice(demo)
    line = invoice.lines[0]
    line_amount = line.line_total + line.tax_amount
    _identify(qtbot, window, demo)
    screen = _to_dispute_screen(qtbot, window, invoice.doc_num)
    assert screen.title.text() == f"Factura {invoice.doc_num}: ¿con qué no está de acuerdo?"
    assert screen.table.item(0, 0).text() == "Toda la factura"
    assert screen.table.item(1, 0).text() == f"Línea 1: {line.description}"

    tap(qtbot, screen.confirm)
    assert screen.message.text() == "Elija toda la factura o al menos una línea."
    select_rows(qtbot, screen.table, [1])
    assert screen.amount_label.text() == "Importe a disputar (línea 1)"
    assert screen.amount.text() == str(line_amount)
    assert screen.table.item(1, 2).text() == format_money(Money(line_amount, invoice.currency))
    tap(qtbot, screen.confirm)
    assert screen.message.text() == "Elija un motivo."
    tap(qtbot, screen.reason_buttons[DisputeReason.WRONG_PRICE])
    assert screen.reason_buttons[DisputeReason.WRONG_PRICE].text() == "✓ Precio incorrecto"
    qtbot.mouseClick(screen.comment, Qt.MouseButton.LeftButton)
    _type_on_keys(qtbot, screen, "EL PRECIO ERA 40")
    assert screen.comment.text() == "EL PRECIO ERA 40"
    check_fits(qtbot, window, QSize(1280, 800), "the dispute screen")
    tap(qtbot, screen.confirm)

    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.done, timeout=10000)
    disputed = format_money(Money(line_amount, invoice.currency))
    assert window.done.message.text().splitlines() == [
        f"Registramos su disputa D-000001 por {disputed} (Línea 1: {line.description}).",
        "Ese importe no se le cobra mientras la revisamos.",
        "Le enviaremos las novedades por correo.",
    ]
    check_fits(qtbot, window, QSize(1280, 800), "the dispute confirmed")
    [notice] = mail_server.received
    assert notice["To"] == ADDRESS and "D-000001" in notice["Subject"]
    [dispute] = demo.services.disputes.of_invoice(invoice)
    assert (dispute.comment, dispute.line_number, dispute.events[0].by) == (
        "EL PRECIO ERA 40", 0, "kiosk",
    )  # fmt: skip

    tap(qtbot, window.done.back)
    assert window.stack.currentWidget() is window.invoices
    row = _open_row(window, invoice.doc_num)
    rest = Money(invoice.amount_due.amount - line_amount, invoice.currency)
    table = window.invoices.open_table
    assert table.item(row, 3).text() == format_money(rest)
    assert table.item(row, 4).text().endswith(f" · En disputa: {disputed}")

    select_rows(qtbot, table, [row])
    tap(qtbot, window.invoices.action_buttons["pay"])
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.payment, timeout=10000)
    assert window.payment.amount.text() == f"Total a pagar: {format_money(rest)}"
    request = demo.services.payments.request(window.payment.request_reference)
    assert request.total == rest

    tap(qtbot, window.payment.back)
    assert [i.doc_num for i in window.invoices.selected_invoices()] == [invoice.doc_num]
    tap(qtbot, window.invoices.action_buttons["view"])
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.detail, timeout=15000)
    assert window.detail.disputed.isVisible()
    assert window.detail.disputed.text() == f"En disputa: {disputed}"


def test_an_amount_above_the_line_is_refused_on_the_screen(
    qtbot: QtBot, window: KioskWindow, demo: Demo
) -> None:
    invoice = _invoice(demo)
    line = invoice.lines[0]
    most = format_money(Money(line.line_total + line.tax_amount, invoice.currency))
    _identify(qtbot, window, demo)
    screen = _to_dispute_screen(qtbot, window, invoice.doc_num)
    select_rows(qtbot, screen.table, [1])
    tap(qtbot, screen.reason_buttons[DisputeReason.DAMAGED])
    qtbot.mouseClick(screen.amount, Qt.MouseButton.LeftButton)
    screen.amount.selectAll()
    _type_on_keys(qtbot, screen, "999999")
    tap(qtbot, screen.confirm)
    assert (
        screen.message.text()
        == f"Línea 1: {line.description}: el importe no puede pasar de {most}."
    )
    assert window.stack.currentWidget() is screen
    assert demo.services.disputes.of_invoice(invoice) == []


def _disputes_tab(qtbot: QtBot, window: KioskWindow) -> StaffDisputesTab:
    assert window.staff is not None and window.staff.disputes is not None
    tabs = window.staff.tabs.tabBar()
    assert tabs.tabText(3) == "Disputas"
    qtbot.mouseClick(tabs, Qt.MouseButton.LeftButton, pos=tabs.tabRect(3).center())
    disputes = window.staff.disputes
    qtbot.waitUntil(lambda: disputes.table.rowCount() == 1, timeout=5000)
    select_rows(qtbot, disputes.table, [0])
    assert disputes.chosen is not None
    return disputes


def _open_a_dispute(demo: Demo) -> None:
    demo.services.disputes.open(
        _invoice(demo), line_number=0, reason=DisputeReason.WRONG_PRICE, by="kiosk"
    )


def test_a_supervisor_accepts_with_a_note_and_the_customer_hears_of_it_next_time(
    qtbot: QtBot, window: KioskWindow, demo: Demo
) -> None:
    _open_a_dispute(demo)
    log_in_staff(qtbot, window, "sofia", "9150")
    disputes = _disputes_tab(qtbot, window)
    assert disputes.table.item(0, 0).text() == "D-000001"
    assert disputes.table.item(0, 4).text() == "abierta"
    accept = disputes.step_buttons[DisputeState.ACCEPTED]
    tap(qtbot, accept)
    assert disputes.message.text() == "Escriba una nota antes de aceptar o rechazar."
    qtbot.keyClicks(disputes.note, "precio corregido")
    tap(qtbot, accept)

    qtbot.waitUntil(lambda: disputes.message.text() == "Disputa D-000001: aceptada.", timeout=5000)
    qtbot.waitUntil(lambda: disputes.table.item(0, 4).text() == "aceptada", timeout=5000)
    timeline = [disputes.timeline.item(i).text() for i in range(disputes.timeline.count())]
    assert [entry.split("  ", 1)[1] for entry in timeline] == [
        "abierta · kiosk",
        "aceptada · sofia: precio corregido",
    ]
    assert not accept.isEnabled()  # accepted waits for SAP's credit note now
    check_fits(qtbot, window, QSize(1280, 800), "the disputes tab")
    assert demo.services.disputes.dispute(1).state is DisputeState.ACCEPTED

    tap(qtbot, window.staff.logout)
    _identify(qtbot, window, demo)
    banner = window.invoices.notices
    qtbot.waitUntil(lambda: banner.isVisible(), timeout=5000)
    assert banner.text() == "Su disputa D-000001: aceptada"
    code = _customer_code(demo)
    qtbot.waitUntil(lambda: demo.services.disputes.unseen_notices(code) == [], timeout=5000)

    tap(qtbot, window.invoices.back)
    _identify(qtbot, window, demo)
    qtbot.wait(100)
    assert not banner.isVisible() and banner.text() == ""


def test_a_clerk_cannot_accept_but_withdraws_at_the_customers_request(
    qtbot: QtBot, window: KioskWindow, demo: Demo
) -> None:
    _open_a_dispute(demo)
    log_in_staff(qtbot, window, "maria", "4821")
    disputes = _disputes_tab(qtbot, window)
    assert disputes.role_note.isVisible()
    assert disputes.role_note.text().startswith("Revisar, aceptar o rechazar: solo un supervisor")
    for state in (DisputeState.IN_REVIEW, DisputeState.ACCEPTED, DisputeState.REJECTED):
        assert not disputes.step_buttons[state].isEnabled()
    withdraw = disputes.step_buttons[DisputeState.WITHDRAWN]
    assert withdraw.text() == "Retirar (lo pide el cliente)"
    qtbot.keyClicks(disputes.note, "lo paga completo")
    tap(qtbot, withdraw)

    qtbot.waitUntil(lambda: disputes.table.item(0, 4).text() == "retirada", timeout=5000)
    assert demo.services.disputes.dispute(1).state is DisputeState.WITHDRAWN
    assert _invoice(demo).disputed == Decimal(0)
    assert not any(button.isEnabled() for button in disputes.step_buttons.values())


def test_a_clerk_opens_a_dispute_at_the_counter_and_the_balance_drops(
    qtbot: QtBot, window: KioskWindow, demo: Demo
) -> None:
    from tests.ui.kiosk_parts import choose_customer

    code, invoice = _customer_code(demo), _invoice(demo)
    log_in_staff(qtbot, window, "maria", "4821")
    assert window.staff is not None
    customers = window.staff.customers
    choose_customer(qtbot, customers, code)
    qtbot.waitUntil(lambda: customers.invoices.rowCount() > 0, timeout=5000)
    assert customers.dispute_button.text() == "No estoy de acuerdo"
    row = next(
        n for n, shown in enumerate(customers._overview.recent_invoices)  # type: ignore[union-attr]
        if shown.doc_num == invoice.doc_num
    )  # fmt: skip
    balance_before = customers.balance.text()
    select_rows(qtbot, customers.invoices, [row])
    assert customers.dispute_button.isEnabled()
    tap(qtbot, customers.dispute_button)
    qtbot.waitUntil(lambda: customers.dispute_dialog is not None, timeout=5000)
    dialog = customers.dispute_dialog
    assert dialog is not None and dialog.isVisible()
    screen = dialog.dispute_screen
    select_rows(qtbot, screen.table, [1])
    tap(qtbot, screen.reason_buttons[DisputeReason.DAMAGED])
    tap(qtbot, screen.confirm)
    qtbot.waitUntil(lambda: customers.dispute_dialog is None, timeout=10000)

    [dispute] = demo.services.disputes.of_invoice(invoice)
    assert (dispute.line_number, dispute.reason) == (0, DisputeReason.DAMAGED)
    assert dispute.events[0].by == "maria"
    assert customers.outcome.text() == (
        f"Disputa {dispute.number} abierta por {format_money(dispute.amount)}."
    )
    qtbot.waitUntil(lambda: customers.balance.text() != balance_before, timeout=5000)
