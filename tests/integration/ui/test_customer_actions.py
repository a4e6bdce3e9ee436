"""Pay, print and e-mail from the kiosk window: the demo cache, a real CUPS queue, real SMTP."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from pytestqt.qtbot import QtBot

from PySide6.QtGui import QImage

from kiosk.app.demo import Demo, start_demo
from kiosk.app.settings import load_settings
from kiosk.domain.billing_preference import BillingChannel
from kiosk.domain.delivery import (
    DeliveredDocument,
    Delivery,
    DeliveryChannel,
    DeliveryReason,
    DeliveryState,
)
from kiosk.domain.display_formats import format_money
from kiosk.domain.email_address import masked_email
from kiosk.domain.invoice import Invoice
from kiosk.domain.money import Money
from kiosk.domain.staff import Role
from kiosk.ui.main_window import KioskWindow
from kiosk.ui.widgets.pdf_pages import PAGE_WIDTH
from tests.builders import make_invoice
from tests.fixtures.delivery_parts import MailServer, cups_pdf_output, printed_pdf
from tests.integration.documents.conftest import decode_qr
from tests.integration.ui.conftest import shown_window
from tests.ui.kiosk_parts import choose_customer, identify, log_in_staff, select_rows, tap


@pytest.fixture
def delivery_settings(
    monkeypatch: pytest.MonkeyPatch, cups_queue: str, mail_server: MailServer
) -> str:
    monkeypatch.setenv("KIOSK_SMTP__HOST", "127.0.0.1")
    monkeypatch.setenv("KIOSK_SMTP__PORT", str(mail_server.port))
    monkeypatch.setenv("KIOSK_SMTP__SECURITY", "none")
    monkeypatch.setenv("KIOSK_SMTP__SENDER", "facturas@miempresa.mx")
    monkeypatch.setenv("KIOSK_PRINTING__BACKEND", "cups")
    monkeypatch.setenv("KIOSK_PRINTING__AUTO_PRINT", "true")
    monkeypatch.setenv("KIOSK_PRINTING__PRINTER", cups_queue)
    return cups_queue


@pytest.fixture
def demo(delivery_settings: str) -> Iterator[Demo]:
    running = start_demo(load_settings(None))
    yield running
    running.stop()


def _identify_demo_customer(qtbot: QtBot, window: KioskWindow, demo: Demo) -> str:
    tax_id, number = demo.hint.removeprefix("RFC ").split(" + ")
    identify(qtbot, window, tax_id, number)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.invoices, timeout=5000)
    return demo.services.storage.invoices.customers_by_tax_id(tax_id)[0].code


def test_pay_two_invoices_shows_one_qr_with_their_total_and_prints_the_slip(
    qtbot: QtBot, window: KioskWindow, demo: Demo, delivery_settings: str
) -> None:
    _identify_demo_customer(qtbot, window, demo)
    select_rows(qtbot, window.invoices.open_table, [0, 1])
    chosen = window.invoices.selected_invoices()

    tap(qtbot, window.invoices.action_buttons["pay"])
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.payment, timeout=5000)

    total = sum((i.amount_due for i in chosen), Money.zero(chosen[0].currency))
    assert window.payment.amount.text() == f"Total a pagar: {format_money(total)}"
    reference = window.payment.reference.text().removeprefix("Referencia: ")
    request = demo.services.payments.request(reference)
    assert sorted(request.doc_nums) == sorted(i.doc_num for i in chosen)
    assert window.payment.qr.payload and not window.payment.qr.pixmap().isNull()

    asked_at = time.time()
    tap(qtbot, window.payment.print_slip)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.done, timeout=30000)
    assert window.done.message.text().startswith(
        f"Ficha de pago {reference} impresa en {delivery_settings}."
    )
    slip = cups_pdf_output(f"*Ficha_de_pago_{reference}*.pdf", newer_than=asked_at - 1)
    assert reference in "".join(page.extract_text() for page in PdfReader(slip).pages)

    tap(qtbot, window.done.done)
    assert window.stack.currentWidget() is window.welcome
    assert window.payment.amount.text() == "" and window.payment.qr.payload == ""


def _pay(qtbot: QtBot, window: KioskWindow, demo: Demo, rows: list[int]) -> list[Invoice]:
    """Identify the demo customer, choose these rows and tap Pay: the invoices chosen."""
    _identify_demo_customer(qtbot, window, demo)
    select_rows(qtbot, window.invoices.open_table, rows)
    chosen = window.invoices.selected_invoices()
    tap(qtbot, window.invoices.action_buttons["pay"])
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.payment, timeout=5000)
    return chosen


def test_a_slip_that_fails_to_print_leads_back_to_the_qr(
    qtbot: QtBot, window: KioskWindow, demo: Demo, delivery_settings: str
) -> None:
    _pay(qtbot, window, demo, [0])
    reference, payload = window.payment.reference.text(), window.payment.qr.payload

    subprocess.run(["cupsdisable", delivery_settings], check=True)
    try:
        tap(qtbot, window.payment.print_slip)
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.done, timeout=30000)
    finally:
        subprocess.run(["cupsenable", delivery_settings], check=True)

    assert window.done.message.text().startswith("No se pudo imprimir la ficha de pago.")
    assert window.done.back.text() == "Volver al pago"
    tap(qtbot, window.done.back)
    assert window.stack.currentWidget() is window.payment
    assert window.payment.reference.text() == reference and window.payment.qr.payload == payload
    assert window.payment.print_slip.isEnabled()  # and the slip can be tried again
    [slip] = [d for d in demo.services.delivery.log() if d.reference]
    assert slip.state is DeliveryState.FAILED and "stopped" in (slip.last_error or "")
    assert demo.services.delivery.send_due().sent == 0  # never printed after the customer left


def test_a_printed_slip_is_in_the_delivery_log_like_every_print(
    qtbot: QtBot, window: KioskWindow, demo: Demo, delivery_settings: str
) -> None:
    chosen = _pay(qtbot, window, demo, [0, 1])
    first = min(chosen, key=lambda i: (i.due_date, i.doc_num))
    reference = window.payment.reference.text().removeprefix("Referencia: ")

    tap(qtbot, window.payment.print_slip)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.done, timeout=30000)

    [slip] = [d for d in demo.services.delivery.log() if d.reference]
    assert slip.reference == reference and slip.document is DeliveredDocument.PAYMENT_SLIP
    assert slip.state is DeliveryState.SENT and (slip.receipt or "").startswith(delivery_settings)
    assert (slip.doc_num, slip.requested_by) == (first.doc_num, "kiosk")
    printed = printed_pdf(slip.receipt or "")
    assert reference in "".join(page.extract_text() for page in PdfReader(printed).pages)


def test_an_outcome_asked_from_an_invoice_leads_back_to_it(
    qtbot: QtBot, window: KioskWindow, demo: Demo, delivery_settings: str
) -> None:
    _identify_demo_customer(qtbot, window, demo)
    select_rows(qtbot, window.invoices.open_table, [0])
    tap(qtbot, window.invoices.action_buttons["view"])
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.detail, timeout=10000)

    tap(qtbot, window.detail.action_buttons["print"])
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.done, timeout=30000)

    assert window.done.back.text() == "Volver a la factura"
    tap(qtbot, window.done.back)
    assert window.stack.currentWidget() is window.detail


def test_print_two_invoices_on_the_real_queue(
    qtbot: QtBot, window: KioskWindow, demo: Demo, delivery_settings: str
) -> None:
    _identify_demo_customer(qtbot, window, demo)
    select_rows(qtbot, window.invoices.open_table, [0, 1])
    numbers = [i.doc_num for i in window.invoices.selected_invoices()]

    tap(qtbot, window.invoices.action_buttons["print"])
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.done, timeout=30000)

    assert window.done.message.text().splitlines() == [
        f"Factura {number} impresa en {delivery_settings}." for number in numbers
    ]
    logged = demo.services.storage.deliveries.deliveries(state=None, channel=None)
    printed = [d for d in logged if d.doc_num in numbers]
    assert {d.state for d in printed} == {DeliveryState.SENT}
    assert all(d.receipt and d.receipt.startswith(delivery_settings) for d in printed)


def test_email_goes_only_to_the_address_on_file_shown_masked(
    qtbot: QtBot, window: KioskWindow, demo: Demo, mail_server: MailServer
) -> None:
    code = _identify_demo_customer(qtbot, window, demo)
    demo.services.preferences.register(
        code, BillingChannel.EMAIL, "juana.perez@example.com", clerk="maria", consent_given=True
    )
    select_rows(qtbot, window.invoices.open_table, [0])
    number = window.invoices.selected_invoices()[0].doc_num

    tap(qtbot, window.invoices.action_buttons["email"])
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.done, timeout=30000)

    assert window.done.message.text() == f"Factura {number} enviada a j***@example.com."
    assert [m["To"] for m in mail_server.received] == ["juana.perez@example.com"]
    assert str(number) in mail_server.received[0]["Subject"]


def test_email_without_an_address_on_file_asks_for_staff(
    qtbot: QtBot, window: KioskWindow, demo: Demo, mail_server: MailServer
) -> None:
    code = _identify_demo_customer(qtbot, window, demo)
    if demo.services.storage.invoices.billing_preference(code) is not None:
        pytest.skip("the demo customer already has a preference")  # demo data decides
    select_rows(qtbot, window.invoices.open_table, [0])

    tap(qtbot, window.invoices.action_buttons["email"])
    expected = (
        "No tenemos un correo registrado para usted. Pida en caja que lo registren; "
        "mientras tanto puede imprimir su factura aquí."
    )
    qtbot.waitUntil(lambda: window.invoices.status.text() == expected, timeout=10000)

    assert window.stack.currentWidget() is window.invoices
    assert mail_server.received == []


@pytest.fixture
def demo_offering_sap_email(
    monkeypatch: pytest.MonkeyPatch, delivery_settings: str
) -> Iterator[Demo]:
    monkeypatch.setenv("KIOSK_DELIVERY__USE_SAP_EMAIL", "true")
    running = start_demo(load_settings(None))
    yield running
    running.stop()


@pytest.fixture
def window_offering_sap_email(qtbot: QtBot, demo_offering_sap_email: Demo) -> Iterator[KioskWindow]:
    yield from shown_window(qtbot, demo_offering_sap_email)


def _customer_without_a_billing_address(qtbot: QtBot, window: KioskWindow, demo: Demo) -> str:
    code = _identify_demo_customer(qtbot, window, demo)
    if demo.services.storage.invoices.billing_preference(code) is not None:
        pytest.skip("the demo customer already has a preference")  # demo data decides
    return code


def test_the_email_sap_holds_is_offered_masked_and_used_once_the_customer_agrees(
    qtbot: QtBot,
    window_offering_sap_email: KioskWindow,
    demo_offering_sap_email: Demo,
    mail_server: MailServer,
) -> None:
    window, demo = window_offering_sap_email, demo_offering_sap_email
    code = _customer_without_a_billing_address(qtbot, window, demo)
    sap_email = demo.services.storage.invoices.customer(code).email
    select_rows(qtbot, window.invoices.open_table, [0])
    number = window.invoices.selected_invoices()[0].doc_num

    tap(qtbot, window.invoices.action_buttons["email"])
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.email_offer, timeout=10000)

    masked = masked_email(sap_email)
    assert masked in window.email_offer.message.text() and sap_email not in (
        window.email_offer.message.text()
    )
    assert mail_server.received == []  # nothing goes out before the customer agrees
    tap(qtbot, window.email_offer.send)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.done, timeout=30000)
    assert window.done.message.text() == f"Factura {number} enviada a {masked}."
    assert [m["To"] for m in mail_server.received] == [sap_email]


def test_declining_the_email_sap_holds_sends_nothing(
    qtbot: QtBot,
    window_offering_sap_email: KioskWindow,
    demo_offering_sap_email: Demo,
    mail_server: MailServer,
) -> None:
    window, demo = window_offering_sap_email, demo_offering_sap_email
    _customer_without_a_billing_address(qtbot, window, demo)
    select_rows(qtbot, window.invoices.open_table, [0])
    tap(qtbot, window.invoices.action_buttons["email"])
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.email_offer, timeout=10000)

    assert "pida en caja" in window.email_offer.other.text().lower()
    tap(qtbot, window.email_offer.back)

    assert window.stack.currentWidget() is window.invoices
    assert mail_server.received == []


def test_view_one_invoice_shows_its_pages_and_prints_from_there(
    qtbot: QtBot, window: KioskWindow, demo: Demo, delivery_settings: str
) -> None:
    _identify_demo_customer(qtbot, window, demo)
    view = window.invoices.action_buttons["view"]
    select_rows(qtbot, window.invoices.open_table, [0, 1])
    assert not view.isEnabled()  # one invoice at a time
    select_rows(qtbot, window.invoices.open_table, [1])  # tap again: deselected
    number = window.invoices.selected_invoices()[0].doc_num

    tap(qtbot, view)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.detail, timeout=10000)

    pages = window.detail.view.pages
    assert len(pages) >= 1 and pages[0].isVisible()
    assert pages[0].pixmap().width() == PAGE_WIDTH
    assert _is_mostly_white_with_ink(pages[0].pixmap().toImage())

    tap(qtbot, window.detail.action_buttons["print"])
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.done, timeout=30000)
    assert window.done.message.text() == f"Factura {number} impresa en {delivery_settings}."


def _is_mostly_white_with_ink(image: QImage) -> bool:
    """A rendered invoice page: white paper with some dark text on it (not blank, not black)."""
    dark = white = 0
    for y in range(0, image.height(), 7):
        for x in range(0, image.width(), 7):
            lightness = image.pixelColor(x, y).lightness()
            dark += lightness < 100
            white += lightness > 240
    total = dark + white
    return white > 0.6 * total and dark > 0.005 * total


def test_staff_see_the_print_in_the_deliveries_log_and_filter_it(
    qtbot: QtBot, window: KioskWindow, demo: Demo, delivery_settings: str
) -> None:
    _identify_demo_customer(qtbot, window, demo)
    select_rows(qtbot, window.invoices.open_table, [0])
    number = window.invoices.selected_invoices()[0].doc_num
    tap(qtbot, window.invoices.action_buttons["print"])
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.done, timeout=30000)
    demo.services.staff.add("sofia", Role.SUPERVISOR, "9150")
    log_in_staff(qtbot, window, "sofia", "9150")
    assert window.staff is not None
    log = window.staff.deliveries

    window.staff.tabs.setCurrentWidget(log)
    qtbot.waitUntil(lambda: log.table.rowCount() >= 1, timeout=5000)
    first = [log.table.item(0, column).text() for column in range(5)]
    assert first[0] == f"Factura {number}" and first[2:4] == ["Papel", "Entregado"]
    assert first[4] == delivery_settings

    log.channel_filter.setCurrentIndex(log.channel_filter.findText("Correo"))
    qtbot.waitUntil(lambda: log.table.rowCount() == 0, timeout=5000)
    tap(qtbot, log.print_listed)  # nothing listed: says so, prints nothing
    qtbot.waitUntil(lambda: log.message.text().startswith("Impresas: 0."), timeout=10000)


def test_a_clerk_sees_the_balance_and_prints_and_emails_any_invoice(
    qtbot: QtBot, window: KioskWindow, demo: Demo, delivery_settings: str, mail_server: MailServer
) -> None:
    code = _customer_with_open_invoices(demo)
    demo.services.preferences.register(
        code, BillingChannel.EMAIL, "pagos@cliente.mx", clerk="maria", consent_given=True
    )
    demo.services.staff.add("maria", Role.CLERK, "4821")
    log_in_staff(qtbot, window, "maria", "4821")
    assert window.staff is not None
    customers = window.staff.customers
    choose_customer(qtbot, customers, code)
    qtbot.waitUntil(lambda: customers.invoices.rowCount() > 0, timeout=5000)

    open_invoices = demo.services.storage.invoices.open_invoices_for_customer(code)
    due = sum((i.amount_due for i in open_invoices), Money.zero("MXN"))
    count = sum(1 for i in open_invoices if i.amount_due.is_positive())
    assert customers.balance.text() == f"Saldo pendiente: {format_money(due)} en {count} facturas"
    assert not customers.print_button.isEnabled()

    select_rows(qtbot, customers.invoices, [0, 1])
    numbers = [int(customers.invoices.item(row, 0).text()) for row in (0, 1)]
    tap(qtbot, customers.print_button)
    printed = [f"Factura {n} impresa en {delivery_settings}." for n in numbers]
    qtbot.waitUntil(lambda: customers.outcome.text().splitlines() == printed, timeout=30000)

    tap(qtbot, customers.email_button)
    sent = [f"Factura {n} enviada a p***@cliente.mx." for n in numbers]
    qtbot.waitUntil(lambda: customers.outcome.text().splitlines() == sent, timeout=30000)
    assert [m["To"] for m in mail_server.received] == ["pagos@cliente.mx"] * 2
    logged = demo.services.storage.deliveries.deliveries(state=None, channel=None)
    assert {d.requested_by for d in logged if d.doc_num in numbers} == {"maria"}


def test_the_paper_list_prints_in_one_go_on_the_real_queue(
    qtbot: QtBot, window: KioskWindow, demo: Demo, delivery_settings: str, tmp_path: Path
) -> None:
    code = _customer_with_open_invoices(demo)
    invoices = demo.services.storage.invoices.invoices_for_customer(code, limit=2, with_lines=False)
    now = demo.services.clock.now()
    for invoice in invoices:  # what automatic delivery lists when no printer is set
        demo.services.storage.deliveries.add_delivery(
            Delivery(
                None, invoice.doc_entry, invoice.doc_num, code, DeliveryChannel.PAPER,
                DeliveryReason.AUTOMATIC, "", DeliveryState.LISTED, "kiosk", now,
            )
        )  # fmt: skip
    demo.services.staff.add("maria", Role.CLERK, "4821")
    log_in_staff(qtbot, window, "maria", "4821")
    assert window.staff is not None
    log = window.staff.deliveries
    window.staff.tabs.setCurrentWidget(log)
    log.state_filter.setCurrentIndex(log.state_filter.findText("En lista para imprimir"))
    qtbot.waitUntil(lambda: log.table.rowCount() == 2, timeout=5000)

    tap(qtbot, log.print_listed)

    qtbot.waitUntil(lambda: log.message.text().startswith("Impresas: 2."), timeout=30000)
    qtbot.waitUntil(lambda: log.table.rowCount() == 0, timeout=5000)  # the list is empty now
    sent = demo.services.storage.deliveries.deliveries(state=DeliveryState.SENT, channel=None)
    assert sorted(d.doc_num for d in sent) == sorted(i.doc_num for i in invoices)
    for delivery in sent:
        assert delivery.receipt is not None and delivery.destination == delivery_settings
        # The spooler flattens stamped pages to images: read the printed kiosk code instead.
        printed = printed_pdf(delivery.receipt).read_bytes()
        assert f"KIOSK {delivery.doc_num} {code}" in decode_qr(printed, tmp_path / delivery.receipt)


def _customer_with_open_invoices(demo: Demo) -> str:
    tax_id = demo.hint.removeprefix("RFC ").split(" + ")[0]
    return demo.services.storage.invoices.customers_by_tax_id(tax_id)[0].code


def test_a_number_another_series_also_uses_still_views_and_prints_the_customers_own(
    qtbot: QtBot, window: KioskWindow, demo: Demo, delivery_settings: str
) -> None:
    number = int(demo.hint.split(" + ")[1])
    [own] = demo.services.storage.invoices.invoices_by_number(number)
    other_series = make_invoice(900_001, doc_num=number, customer_code="C000002", total="77.00")
    demo.services.storage.invoices.upsert_invoices([other_series])
    _identify_demo_customer(qtbot, window, demo)
    table = window.invoices.open_table
    [row] = [r for r in range(table.rowCount()) if table.item(r, 0).text() == str(number)]
    select_rows(qtbot, table, [row])

    tap(qtbot, window.invoices.action_buttons["view"])
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.detail, timeout=10000)
    assert window.detail.view.pages and window.detail.view.pages[0].isVisible()
    tap(qtbot, window.detail.action_buttons["print"])
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.done, timeout=30000)

    assert window.done.message.text() == f"Factura {number} impresa en {delivery_settings}."
    logged = demo.services.storage.deliveries.deliveries(state=DeliveryState.SENT, channel=None)
    assert [d.doc_entry for d in logged if d.doc_num == number] == [own.doc_entry]


def test_paying_invoices_in_two_currencies_at_once_is_explained(
    qtbot: QtBot, window: KioskWindow, demo: Demo
) -> None:
    code = _customer_with_open_invoices(demo)
    in_dollars = make_invoice(
        900_002, doc_num=900_002, customer_code=code, currency="USD", due_date=date(2099, 1, 1)
    )
    demo.services.storage.invoices.upsert_invoices([in_dollars])
    _identify_demo_customer(qtbot, window, demo)
    table = window.invoices.open_table
    [dollars] = [r for r in range(table.rowCount()) if table.item(r, 0).text() == "900002"]
    assert table.item(dollars, 3).text() == "US$232.00"
    select_rows(qtbot, table, [0 if dollars else 1, dollars])

    tap(qtbot, window.invoices.action_buttons["pay"])

    expected = "Un pago no puede mezclar monedas (MXN, USD). Elija facturas de una sola moneda."
    qtbot.waitUntil(lambda: window.invoices.status.text() == expected, timeout=10000)
    assert window.stack.currentWidget() is window.invoices
