"""E-billing enrolment end to end in the kiosk window, over the demo's emulator and a real SMTP
server: a customer on paper switches to e-mail with the code read from the mail that arrived,
gets the incentive once, SAP hears of both, and the customer goes back to paper in two taps."""

from __future__ import annotations

import re
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QPushButton

from kiosk.app.demo import Demo, start_demo
from kiosk.app.settings import load_settings
from kiosk.domain.billing_preference import BillingChannel
from kiosk.domain.outbox import BILLING_PREFERENCE, EBILLING_INCENTIVE
from kiosk.ui.main_window import KioskWindow
from kiosk.ui.widgets.onscreen_keys import OnScreenKeys
from tests.fixtures.delivery_parts import MailServer
from tests.integration.ui.test_screen_fit import check_fits
from tests.ui.kiosk_parts import identify, tap

LOCAL_PART = "ana.lopez7"
ADDRESS = f"{LOCAL_PART}@gmail.com"


@pytest.fixture
def demo(monkeypatch: pytest.MonkeyPatch, mail_server: MailServer) -> Iterator[Demo]:
    monkeypatch.setenv("KIOSK_SMTP__HOST", "127.0.0.1")
    monkeypatch.setenv("KIOSK_SMTP__PORT", str(mail_server.port))
    monkeypatch.setenv("KIOSK_SMTP__SECURITY", "none")
    monkeypatch.setenv("KIOSK_SMTP__SENDER", "facturas@miempresa.mx")
    monkeypatch.setenv("KIOSK_EBILLING__INCENTIVE_PERCENT", "5")
    running = start_demo(load_settings(None))
    # The customer starts on paper, whatever the demo company holds for them in SAP.
    running.services.preferences.register(
        _customer_code(running), BillingChannel.PAPER, None, clerk="maria", consent_given=True
    )
    running.services.sync.run_once()
    yield running
    running.stop()


def _hint(demo: Demo) -> tuple[str, str]:
    tax_id, number = demo.hint.removeprefix("RFC ").split(" + ")
    return tax_id, number


def _customer_code(demo: Demo) -> str:
    return demo.services.storage.invoices.customers_by_tax_id(_hint(demo)[0])[0].code


def _press(qtbot: QtBot, keys: OnScreenKeys, text: str) -> None:
    for character in text:
        button = keys.findChild(QPushButton, f"key-{character}")
        assert button is not None, f"no on-screen key {character!r}"
        tap(qtbot, button)


def _received(mail_server: MailServer, index: int) -> EmailMessage:
    parsed = message_from_bytes(mail_server.received[index].as_bytes(), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def _code(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    found = re.search(r"\b(\d{6})\b", body.get_content())
    assert found is not None
    return found.group(1)


def test_a_customer_enrols_with_the_mailed_code_and_goes_back_to_paper(
    qtbot: QtBot, window: KioskWindow, demo: Demo, mail_server: MailServer
):
    code = _customer_code(demo)
    services = demo.services
    identify(qtbot, window, *_hint(demo))
    qtbot.waitUntil(lambda: window.invoices.enrolment.isVisible(), timeout=5000)
    assert window.invoices.enrolment.text() == "Recibir mis facturas por correo"

    tap(qtbot, window.invoices.enrolment)
    screen = window.enrolment
    assert window.stack.currentWidget() is screen
    assert screen.pages.currentWidget() is screen.offer_page
    assert screen.incentive.text() == "Por cambiarse: 5% de descuento en su próxima factura"
    check_fits(qtbot, window, QSize(1280, 800), "enrolment")

    tap(qtbot, screen.email_only)
    assert screen.pages.currentWidget() is screen.address_page
    _press(qtbot, screen.email_keys, LOCAL_PART)
    tap(qtbot, screen.quick_keys["@gmail.com"])
    assert screen.address.text() == ADDRESS
    check_fits(qtbot, window, QSize(1280, 800), "enrolment")
    tap(qtbot, screen.address_continue)

    assert screen.pages.currentWidget() is screen.consent_page
    assert screen.consent_text.text().startswith("Acepto recibir mis facturas")
    assert screen.consent_version.text() == "Versión del aviso: 2026-12"
    tap(qtbot, screen.accept)

    qtbot.waitUntil(lambda: screen.pages.currentWidget() is screen.code_page, timeout=10000)
    assert "a***@gmail.com" in screen.code_sent.text()
    assert "Vale 15 minutos" in screen.code_sent.text()
    check_fits(qtbot, window, QSize(1280, 800), "enrolment")
    (mail,) = [_received(mail_server, i) for i in range(len(mail_server.received))]
    assert mail["To"] == ADDRESS
    right = _code(mail)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    _press(qtbot, screen.code_keys, wrong)
    tap(qtbot, screen.confirm)
    qtbot.waitUntil(lambda: "no coincide" in screen.code_message.text(), timeout=10000)
    assert screen.code_message.text() == "El código no coincide. Le quedan 4 intentos."
    assert services.storage.invoices.billing_preference(code).channel is BillingChannel.PAPER  # type: ignore[union-attr]

    _press(qtbot, screen.code_keys, right)
    tap(qtbot, screen.confirm)
    qtbot.waitUntil(lambda: screen.pages.currentWidget() is screen.done_page, timeout=10000)
    assert screen.done_message.text() == (
        "¡Listo! Sus facturas le llegarán a a***@gmail.com.\n\n"
        "Su beneficio: 5% de descuento en su próxima factura."
    )

    preference = services.storage.invoices.billing_preference(code)
    assert preference is not None
    assert (preference.channel, preference.email) == (BillingChannel.EMAIL, ADDRESS)
    latest = services.preferences.history(code)[-1]
    assert (latest.consent_version, latest.confirmed_by) == ("2026-12", "code")
    pending = services.storage.outbox.open_entries()
    assert [e.payload for e in pending if e.kind == BILLING_PREFERENCE] == [
        {"channel": "EMAIL", "email": ADDRESS}
    ]
    assert len([e for e in pending if e.kind == EBILLING_INCENTIVE]) == 1

    tap(qtbot, screen.done_back)
    assert window.stack.currentWidget() is window.invoices
    qtbot.waitUntil(lambda: window.invoices.enrolment.text() == "Volver a papel", timeout=5000)

    # SAP gets the preference and the incentive on the business partner, for the back office.
    services.sync.run_once()
    partner = demo.emulator.data.get("BusinessPartners", code)
    assert (partner["U_BillingChannel"], partner["U_BillingEmail"]) == ("EMAIL", ADDRESS)
    assert partner["U_EBillIncentive"] == "5% 5% de descuento en su próxima factura"
    assert partner["U_EBillIncentiveDate"] == services.clock.today().isoformat()

    tap(qtbot, window.invoices.enrolment)
    assert screen.pages.currentWidget() is screen.paper_page
    assert "a***@gmail.com" in screen.paper_text.text()
    check_fits(qtbot, window, QSize(1280, 800), "enrolment")
    tap(qtbot, screen.paper_yes)
    qtbot.waitUntil(lambda: screen.pages.currentWidget() is screen.done_page, timeout=10000)
    assert screen.done_message.text() == "Listo: desde ahora sus facturas se entregan en papel."

    back = services.storage.invoices.billing_preference(code)
    assert back is not None and back.channel is BillingChannel.PAPER
    assert services.preferences.history(code)[-1].consent_version == "2026-12"
    assert len(mail_server.received) == 1  # paper needs no code
    kinds = [e.kind for e in services.storage.outbox.open_entries()]
    assert kinds == [BILLING_PREFERENCE]  # the change back, still to push; no second incentive
