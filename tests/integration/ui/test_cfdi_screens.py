"""Stamped Mexican invoices (CFDI 4.0) in the kiosk's screens: the demo cache, real SMTP, CUPS."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from email.message import Message

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QSize

from kiosk.app.demo import Demo, start_demo
from kiosk.app.settings import load_settings
from kiosk.cfdi.rfc import check_rfc
from kiosk.domain.billing_preference import BillingChannel
from kiosk.domain.delivery import DeliveredDocument, DeliveryState
from kiosk.domain.display_formats import format_money
from kiosk.domain.errors import InvalidValue
from kiosk.domain.invoice import Invoice, InvoiceStatus
from kiosk.domain.money import Money
from kiosk.domain.rfc import InvalidRfc
from kiosk.domain.staff import Role
from kiosk.language.catalogue import Texts
from kiosk.sap_emulator.demo_data import customer_code
from kiosk.services.delivery import NoEmailOnFile
from kiosk.ui.main_window import KioskWindow
from kiosk.ui.widgets.payment_receipt_list import PaymentReceiptRow
from tests.fixtures.delivery_parts import MailServer
from tests.integration.ui.conftest import shown_window
from tests.integration.ui.test_screen_fit import check_fits
from tests.ui.kiosk_parts import choose_customer, identify, log_in_staff, select_rows, tap

ES = Texts("es")
BILLING_EMAIL = "juana.perez@example.com"
HISTORY = {InvoiceStatus.PAID, InvoiceStatus.CANCELLED}


def _smtp(monkeypatch: pytest.MonkeyPatch, mail_server: MailServer) -> None:
    monkeypatch.setenv("KIOSK_SMTP__HOST", "127.0.0.1")
    monkeypatch.setenv("KIOSK_SMTP__PORT", str(mail_server.port))
    monkeypatch.setenv("KIOSK_SMTP__SECURITY", "none")
    monkeypatch.setenv("KIOSK_SMTP__SENDER", "facturas@miempresa.mx")


@pytest.fixture
def demo(monkeypatch: pytest.MonkeyPatch, mail_server: MailServer) -> Iterator[Demo]:
    _smtp(monkeypatch, mail_server)
    running = start_demo(load_settings(None))
    # The pass the window's sync driver makes as it opens: stamped payments and XML come then.
    assert running.services.sync.run_once().error is None
    running.services.staff.add("sofia", Role.SUPERVISOR, "9150")
    yield running
    running.stop()


def _typeable_rfc(tax_id: str | None) -> bool:
    """An RFC the on-screen keys can type, and one the SAT could have issued."""
    if not tax_id or not (tax_id.isascii() and tax_id.isalnum()):
        return False
    try:
        check_rfc(tax_id)
    except InvalidValue:
        return False
    return True


def _find_invoice(demo: Demo, wanted: Callable[[Invoice], bool]) -> Invoice:
    """The first open invoice of a demo customer with a typeable RFC that `wanted` accepts."""
    store, today = demo.services.storage.invoices, demo.services.clock.today()
    for number in range(1, 201):
        code = customer_code(number)
        customer = store.customer(code)
        if customer is None or not _typeable_rfc(customer.tax_id):
            continue
        for invoice in store.open_invoices_for_customer(code):
            if invoice.status_on(today) not in HISTORY and wanted(invoice):
                return invoice
    pytest.fail("the demo data has no such invoice")


def _stamped_with_receipts(demo: Demo) -> Invoice:
    documents = demo.services.documents

    def wanted(invoice: Invoice) -> bool:
        usable = documents.invoice_xml(invoice) is not None
        return usable and bool(documents.payment_receipts(invoice))

    return _find_invoice(demo, wanted)


def _has_no_email(demo: Demo, code: str) -> bool:
    try:
        demo.services.delivery.email_destination(code)
    except NoEmailOnFile:
        return True
    return False


def _open_invoice(qtbot: QtBot, window: KioskWindow, demo: Demo, invoice: Invoice) -> None:
    """Identify as the invoice's customer (RFC and its number), tap its row, tap View."""
    customer = demo.services.storage.invoices.customer(invoice.customer_code)
    assert customer is not None and customer.tax_id
    identify(qtbot, window, customer.tax_id, str(invoice.doc_num))
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.invoices, timeout=5000)
    table = window.invoices.open_table
    [row] = [r for r in range(table.rowCount()) if table.item(r, 0).text() == str(invoice.doc_num)]
    select_rows(qtbot, table, [row])
    tap(qtbot, window.invoices.action_buttons["view"])
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.detail, timeout=15000)


def _attachments(message: Message) -> dict[str, bytes]:
    found = {}
    for part in message.walk():
        name = part.get_filename()
        if name:
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            found[name] = payload
    return found


def test_a_stamped_invoice_shows_its_folio_fiscal_and_receipts_and_sends_its_xml(
    qtbot: QtBot, window: KioskWindow, demo: Demo, mail_server: MailServer
) -> None:
    invoice = _stamped_with_receipts(demo)
    demo.services.preferences.register(
        invoice.customer_code, BillingChannel.EMAIL, BILLING_EMAIL, clerk="maria",
        consent_given=True,
    )  # fmt: skip
    reading = demo.services.documents.fiscal_reading(invoice)
    receipts = demo.services.documents.payment_receipts(invoice)
    assert reading.cfdi is not None and reading.xml is not None and receipts

    _open_invoice(qtbot, window, demo, invoice)

    detail = window.detail
    assert detail.folio.isVisible()
    assert detail.folio.text() == f"Folio fiscal: {invoice.fiscal_uuid}"
    rows = detail.receipts.findChildren(PaymentReceiptRow)
    assert len(rows) == len(receipts) and all(row.isVisible() for row in rows)
    for row, receipt in zip(rows, receipts, strict=True):
        [related] = [
            r for p in receipt.payments for r in p.invoices
            if r.invoice_uuid.upper() == (invoice.fiscal_uuid or "").upper()
        ]  # fmt: skip
        text = row.text.text()
        assert f"Folio fiscal del complemento: {receipt.uuid}" in text
        assert f"parcialidad {related.instalment}" in text
        assert f"pagado {format_money(Money(related.paid, related.currency))}" in text
        assert f"saldo insoluto {format_money(Money(related.balance_after, related.currency))}" in (
            text
        )
        assert row.print_button.text() == "Imprimir" and row.email_button.text() == "Enviar"
        assert row.print_button.isVisible() and row.email_button.isVisible()
    assert detail.send_xml.text() == "Enviar XML"

    tap(qtbot, detail.send_xml)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.done, timeout=30000)

    assert window.done.message.text() == (
        f"XML de la factura {invoice.doc_num} enviado a j***@example.com."
    )
    [message] = mail_server.received
    assert message["To"] == BILLING_EMAIL
    file_name = f"{reading.cfdi.series or ''}{reading.cfdi.folio or ''}.xml"
    assert _attachments(message) == {file_name: reading.xml}  # the XML alone, unchanged
    [logged] = [d for d in demo.services.delivery.log() if d.doc_num == invoice.doc_num]
    assert logged.document is DeliveredDocument.CFDI_XML and logged.state is DeliveryState.SENT
    tap(qtbot, window.done.back)
    assert window.stack.currentWidget() is detail


def test_a_payment_receipt_is_emailed_with_its_pdf_and_xml(
    qtbot: QtBot, window: KioskWindow, demo: Demo, mail_server: MailServer
) -> None:
    invoice = _stamped_with_receipts(demo)
    demo.services.preferences.register(
        invoice.customer_code, BillingChannel.EMAIL, BILLING_EMAIL, clerk="maria",
        consent_given=True,
    )  # fmt: skip
    receipt = demo.services.documents.payment_receipts(invoice)[0]
    _open_invoice(qtbot, window, demo, invoice)

    row = window.detail.receipts.findChildren(PaymentReceiptRow)[0]
    tap(qtbot, row.email_button)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.done, timeout=30000)

    assert window.done.message.text() == (
        f"Complemento de pago de la factura {invoice.doc_num} enviado a j***@example.com."
    )
    [message] = mail_server.received
    attached = _attachments(message)
    assert receipt.file_name in attached
    assert receipt.uuid.encode() in attached[receipt.file_name]
    assert any(content.startswith(b"%PDF") for content in attached.values())


@pytest.fixture
def printing_demo(
    monkeypatch: pytest.MonkeyPatch, cups_queue: str, mail_server: MailServer
) -> Iterator[Demo]:
    _smtp(monkeypatch, mail_server)
    monkeypatch.setenv("KIOSK_PRINTING__BACKEND", "cups")
    monkeypatch.setenv("KIOSK_PRINTING__AUTO_PRINT", "true")
    monkeypatch.setenv("KIOSK_PRINTING__PRINTER", cups_queue)
    running = start_demo(load_settings(None))
    assert running.services.sync.run_once().error is None  # as in `demo`
    yield running
    running.stop()


@pytest.fixture
def printing_window(qtbot: QtBot, printing_demo: Demo) -> Iterator[KioskWindow]:
    yield from shown_window(qtbot, printing_demo)


def test_a_payment_receipt_prints_on_the_real_queue(
    qtbot: QtBot, printing_window: KioskWindow, printing_demo: Demo, cups_queue: str
) -> None:
    window, demo = printing_window, printing_demo
    invoice = _stamped_with_receipts(demo)
    receipt = demo.services.documents.payment_receipts(invoice)[0]
    _open_invoice(qtbot, window, demo, invoice)

    row = window.detail.receipts.findChildren(PaymentReceiptRow)[0]
    tap(qtbot, row.print_button)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.done, timeout=30000)

    assert window.done.message.text() == (
        f"Complemento de pago de la factura {invoice.doc_num} impreso en {cups_queue}."
    )
    [printed] = [d for d in demo.services.delivery.log() if d.reference == receipt.uuid]
    assert printed.document is DeliveredDocument.PAYMENT_RECEIPT
    assert printed.state is DeliveryState.SENT and (printed.receipt or "").startswith(cups_queue)


def test_send_xml_is_not_offered_for_an_invoice_without_cfdi(
    qtbot: QtBot, window: KioskWindow, demo: Demo
) -> None:
    invoice = _find_invoice(demo, lambda invoice: not invoice.fiscal_uuid)
    demo.services.preferences.register(
        invoice.customer_code, BillingChannel.EMAIL, BILLING_EMAIL, clerk="maria",
        consent_given=True,
    )  # fmt: skip

    _open_invoice(qtbot, window, demo, invoice)

    detail = window.detail
    assert detail.action_buttons["email"].isVisible()  # e-mail on file: the PDF can go
    assert not detail.send_xml.isVisible()
    assert not detail.folio.isVisible() and not detail.receipts.isVisible()


def test_send_xml_is_not_offered_to_a_customer_without_email(
    qtbot: QtBot, window: KioskWindow, demo: Demo
) -> None:
    documents = demo.services.documents
    invoice = _find_invoice(
        demo,
        lambda i: documents.invoice_xml(i) is not None and _has_no_email(demo, i.customer_code),
    )

    _open_invoice(qtbot, window, demo, invoice)

    detail = window.detail
    assert detail.folio.text() == f"Folio fiscal: {invoice.fiscal_uuid}"
    assert detail.folio.isVisible() and not detail.send_xml.isVisible()
    for row in detail.receipts.findChildren(PaymentReceiptRow):
        assert row.print_button.isVisible() and not row.email_button.isVisible()


def _mistyped(rfc: str) -> str:
    """The RFC with its check digit wrong (and nothing else)."""
    for digit in "0123456789A":
        candidate = rfc[:-1] + digit
        try:
            check_rfc(candidate)
        except InvalidRfc as error:
            if error.reason == "check_digit":
                return candidate
    pytest.fail(f"no mistyped variant of {rfc}")


def test_a_mistyped_rfc_at_identification_says_its_check_digit_is_wrong(
    qtbot: QtBot, window: KioskWindow, demo: Demo
) -> None:
    tax_id, number = demo.hint.removeprefix("RFC ").split(" + ")
    wrong = _mistyped(tax_id)

    identify(qtbot, window, wrong, number)

    expected = ES.format("rfc_check_digit", rfc=wrong)
    qtbot.waitUntil(lambda: window.identify.message.text() == expected, timeout=5000)
    assert "dígito verificador" in window.identify.message.text()
    assert window.stack.currentWidget() is window.identify


def test_the_detail_of_a_stamped_invoice_fits_the_screen(
    qtbot: QtBot, window: KioskWindow, demo: Demo
) -> None:
    invoice = _stamped_with_receipts(demo)
    demo.services.preferences.register(
        invoice.customer_code, BillingChannel.EMAIL, BILLING_EMAIL, clerk="maria",
        consent_given=True,
    )  # fmt: skip

    _open_invoice(qtbot, window, demo, invoice)

    assert window.detail.send_xml.isVisible() and window.detail.receipts.isVisible()
    check_fits(qtbot, window, QSize(1280, 800), "a stamped invoice with its receipts")
    assert window.detail.view.height() >= 300  # the pages keep most of the screen


def _flagged(demo: Demo, invoices: tuple[Invoice, ...]) -> list[int]:
    """The invoices whose stamped CFDI staff must look at, as the services tell."""
    readings = [(i, demo.services.documents.fiscal_reading(i)) for i in invoices]
    return [i.doc_num for i, reading in readings if reading.problem or reading.discrepancy]


def test_staff_see_which_invoice_has_a_broken_stamped_xml_and_why(
    qtbot: QtBot, window: KioskWindow, demo: Demo
) -> None:
    documents = demo.services.documents
    code = customer_code(1)
    recent = demo.services.lookup.customer_overview(code, recent=100).recent_invoices
    stamped = [i for i in recent if documents.invoice_xml(i) is not None]
    assert len(stamped) >= 2 and not _flagged(demo, recent)  # the demo's are all in order
    broken = stamped[1]
    fiscal = demo.services.storage.fiscal
    kept = fiscal.fiscal_document(broken.fiscal_uuid or "")
    assert kept is not None
    fiscal.save_fiscal_document(replace(kept, xml=b"<cfdi:Comprobante Version='4.0'"))
    reason = documents.fiscal_reading(broken).problem
    assert reason and _flagged(demo, recent) == [broken.doc_num]

    log_in_staff(qtbot, window, "sofia", "9150")
    assert window.staff is not None
    customers = window.staff.customers
    choose_customer(qtbot, customers, code)
    qtbot.waitUntil(lambda: customers.invoices.rowCount() > 0, timeout=10000)

    table = customers.invoices
    rows = {int(table.item(r, 0).text()): r for r in range(table.rowCount())}
    flagged = [n for n, r in rows.items() if not table.item(r, 0).icon().isNull()]
    assert flagged == [broken.doc_num]
    expected = ES.format("cfdi_ui_staff_problem", number=broken.doc_num, reason=reason)
    assert table.item(rows[broken.doc_num], 0).toolTip() == expected
    assert customers.cfdi_notes.isVisible()
    assert customers.cfdi_notes.text() == ES["cfdi_ui_staff_flagged_one"]

    select_rows(qtbot, table, [rows[broken.doc_num]])
    assert customers.cfdi_notes.text() == expected
    assert expected.startswith("⚠ Factura") and "CFDI no utilizable" in expected
    check_fits(qtbot, window, QSize(1280, 800), "staff, an invoice with a broken CFDI chosen")
    select_rows(qtbot, table, [rows[broken.doc_num]])  # tapped again: unchosen
    select_rows(qtbot, table, [r for n, r in rows.items() if n != broken.doc_num][:1])
    assert not customers.cfdi_notes.isVisible()


def test_the_staff_search_says_a_mistyped_rfc_instead_of_finding_no_one(
    qtbot: QtBot, window: KioskWindow, demo: Demo
) -> None:
    customer = demo.services.storage.invoices.customer(customer_code(1))
    assert customer is not None and customer.tax_id
    wrong = _mistyped(customer.tax_id)
    log_in_staff(qtbot, window, "sofia", "9150")
    assert window.staff is not None
    customers = window.staff.customers

    qtbot.keyClicks(customers.search, wrong)

    expected = ES.format("rfc_check_digit", rfc=wrong)
    qtbot.waitUntil(lambda: customers.search_notice.text() == expected, timeout=5000)
    assert customers.search_notice.isVisible() and customers.results.count() == 0

    customers.search.clear()
    qtbot.keyClicks(customers.search, customer.tax_id)  # typed right: found, the notice gone
    qtbot.waitUntil(lambda: customers.results.count() == 1, timeout=5000)
    assert not customers.search_notice.isVisible()
