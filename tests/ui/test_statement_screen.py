"""Estado de cuenta at the kiosk: tapped after identification, its figures on screen, printed on a
real CUPS queue and e-mailed through a real SMTP server, each through the delivery queue."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import fields, replace
from datetime import date, datetime, timedelta
from email import message_from_bytes, policy

import pytest
from pypdf import PdfReader
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QSize

from kiosk.app.gui import build_window
from kiosk.app.settings import load_settings
from kiosk.app.wiring import Services, build_services
from kiosk.domain.billing_preference import BillingChannel
from kiosk.domain.delivery import DeliveredDocument, DeliveryChannel, DeliveryState
from kiosk.domain.dispute import DisputeEvent
from kiosk.domain.outbox import INVOICE_ACTIVITY, OutboxEntry
from kiosk.services.ports.ledger import PAYMENT_HISTORY
from kiosk.services.ports.sync import SyncCursor
from kiosk.ui.background import ImmediateExecutor, TaskRunner
from kiosk.ui.main_window import KioskWindow
from tests.fixtures.delivery_parts import MailServer, printed_pdf
from tests.fixtures.statement_data import TODAY, statement_data
from tests.integration.ui.test_screen_fit import check_fits
from tests.ui.kiosk_parts import identify, table_texts, tap

ADDRESS = "pagos@penanorte.mx"


def shifted(value, days: timedelta):
    """A document with every date moved by `days`: the fixture's 31 March becomes today."""
    changes = {}
    for field in fields(value):
        current = getattr(value, field.name)
        if isinstance(current, datetime | date):
            changes[field.name] = current + days
        elif field.name == "events":
            changes[field.name] = tuple(
                DisputeEvent(e.state, e.note, e.by, e.at + days) for e in current
            )
    return replace(value, **changes)


@pytest.fixture
def services(
    monkeypatch: pytest.MonkeyPatch, cups_queue: str, mail_server: MailServer
) -> Iterator[Services]:
    """The real services over a SQLite file holding the statement fixture, moved so that its
    period is the kiosk's: the last 90 days to today."""
    for name, value in {
        "KIOSK_SMTP__HOST": "127.0.0.1", "KIOSK_SMTP__PORT": str(mail_server.port),
        "KIOSK_SMTP__SECURITY": "none", "KIOSK_SMTP__SENDER": "facturas@miempresa.mx",
        "KIOSK_PRINTING__BACKEND": "cups", "KIOSK_PRINTING__PRINTER": cups_queue,
    }.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    built = build_services(load_settings(None))
    days = built.clock.today() - TODAY
    data = statement_data()
    storage = built.storage
    storage.invoices.upsert_customers([data.customer])
    storage.invoices.upsert_invoices([shifted(i, days) for i in data.invoices])
    storage.ledger.store_credit_notes([shifted(n, days) for n in data.credit_notes])
    storage.ledger.store_payments([shifted(p, days) for p in data.payments])
    opened = shifted(data.disputes[0], days)
    storage.disputes.add_dispute(
        opened,
        lambda n: OutboxEntry.new(INVOICE_ACTIVITY, "C001", {"id": n}, opened.opened_at),
    )
    storage.cursors.save_cursor(SyncCursor(PAYMENT_HISTORY, last_key=0))
    built.preferences.register(
        "C001", BillingChannel.EMAIL, ADDRESS, clerk="maria", consent_given=True
    )
    yield built
    built.close()


@pytest.fixture
def window(qtbot: QtBot, services: Services) -> KioskWindow:
    runner = TaskRunner(ImmediateExecutor(), ImmediateExecutor())
    shown = build_window(load_settings(None), services, runner)
    qtbot.addWidget(shown)
    shown.resize(1280, 800)
    shown.show()
    qtbot.waitExposed(shown)
    return shown


def open_statement(qtbot: QtBot, window: KioskWindow) -> None:
    identify(qtbot, window, "CPN010101AB1", "1005")
    assert window.stack.currentWidget() is window.invoices
    assert window.invoices.statement.text() == "Estado de cuenta"
    assert window.invoices.statement.isVisible() and window.invoices.statement.isEnabled()
    tap(qtbot, window.invoices.statement)
    assert window.stack.currentWidget() is window.statement


def test_the_statement_shows_each_currencys_balance_and_ageing(
    qtbot: QtBot, window: KioskWindow, services: Services
) -> None:
    open_statement(qtbot, window)

    screen = window.statement
    today = services.clock.today()
    start = today - timedelta(days=90)
    assert screen.title.text() == "Estado de cuenta"
    assert screen.period.text() == (
        f"Del {start:%d/%m/%Y} al {today:%d/%m/%Y} · antigüedad de saldos al {today:%d/%m/%Y}"
    )
    headers = [
        screen.table.horizontalHeaderItem(c).text() for c in range(screen.table.columnCount())
    ]
    assert headers == ["Moneda", "Saldo final", "Al corriente", "1 a 30 días", "31 a 60 días",
                       "61 a 90 días", "Más de 90 días", "En disputa"]  # fmt: skip
    # The fixture's sums: 1,160 + 2,320 + 580 + 100 - 580 - 1,000 in MXN; 300 - 100 in USD.
    assert table_texts(screen.table) == [
        ["MXN", "$2,580.00", "$100.00", "$0.00", "$1,020.00", "$1,160.00", "$0.00", "$300.00"],
        ["USD", "US$200.00", "US$0.00", "US$200.00", "US$0.00", "US$0.00", "US$0.00", "US$0.00"],
    ]
    assert screen.email_hint.text() == "Se enviará a p***@penanorte.mx"
    assert screen.action_buttons["email"].text() == "Enviar por correo"
    assert not screen.note.isVisible()
    check_fits(qtbot, window, QSize(1280, 800), "the statement")

    tap(qtbot, screen.back)
    assert window.stack.currentWidget() is window.invoices


def test_emailing_sends_the_pdf_and_csv_through_the_delivery_queue(
    qtbot: QtBot, window: KioskWindow, services: Services, mail_server: MailServer
) -> None:
    open_statement(qtbot, window)

    tap(qtbot, window.statement.action_buttons["email"])

    assert window.stack.currentWidget() is window.done
    assert window.done.message.text() == "Estado de cuenta enviado a p***@penanorte.mx."
    [delivery] = services.delivery.log()
    today = services.clock.today()
    assert (delivery.document, delivery.channel, delivery.state) == (
        DeliveredDocument.STATEMENT, DeliveryChannel.EMAIL, DeliveryState.SENT,
    )  # fmt: skip
    assert delivery.reference == f"{today - timedelta(days=90)}:{today}:es"
    assert (delivery.customer_code, delivery.destination) == ("C001", ADDRESS)
    [received] = mail_server.received
    message = message_from_bytes(received.as_bytes(), policy=policy.default)
    assert message["To"] == ADDRESS
    assert " ".join(message["Subject"].split()) == (
        f"Estado de cuenta del {today - timedelta(days=90):%d/%m/%Y} al {today:%d/%m/%Y}"
        " - Mi Empresa S.A. de C.V."
    )
    parts = {part.get_filename(): part for part in message.iter_attachments()}
    name = f"Estado-de-cuenta-C001-{today - timedelta(days=90)}-{today}"
    assert set(parts) == {f"{name}.pdf", f"{name}.csv"}
    assert parts[f"{name}.csv"].get_content_type() == "text/csv"
    body = message.get_body(("plain",)).get_content()
    assert "Saldo final en MXN: $2,580.00" in body and "Saldo final en USD: US$200.00" in body
    assert window.done.back.text() == "Volver al estado de cuenta"
    tap(qtbot, window.done.back)
    assert window.stack.currentWidget() is window.statement


def test_a_refused_send_stays_queued_and_the_customer_is_told(
    qtbot: QtBot, window: KioskWindow, services: Services, mail_server: MailServer
) -> None:
    mail_server.refuse[ADDRESS] = "451 4.3.0 try again later"
    open_statement(qtbot, window)

    tap(qtbot, window.statement.action_buttons["email"])

    assert window.done.message.text() == (
        "Estado de cuenta: lo enviaremos a p***@penanorte.mx en cuanto sea posible."
    )
    [delivery] = services.delivery.log()
    assert delivery.document is DeliveredDocument.STATEMENT
    assert delivery.state is DeliveryState.QUEUED and delivery.next_attempt_at is not None
    assert mail_server.received == []


def test_printing_puts_the_statement_on_the_printer(
    qtbot: QtBot, window: KioskWindow, services: Services, cups_queue: str
) -> None:
    open_statement(qtbot, window)

    tap(qtbot, window.statement.action_buttons["print"])

    assert window.done.message.text() == f"Estado de cuenta impreso en {cups_queue}."
    [delivery] = services.delivery.log()
    assert (delivery.document, delivery.channel, delivery.state) == (
        DeliveredDocument.STATEMENT, DeliveryChannel.PAPER, DeliveryState.SENT,
    )  # fmt: skip
    assert delivery.receipt is not None
    text = "".join(page.extract_text() for page in PdfReader(printed_pdf(delivery.receipt)).pages)
    assert "ESTADO DE CUENTA" in text and "$2,580.00" in text and "D-000001" in text
