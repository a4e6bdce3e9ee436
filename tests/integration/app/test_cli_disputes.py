"""`kiosk disputes` on a real cache: amounts out of the balance, bad input refused with nothing
saved, the timeline, and one notice e-mail per step on a real SMTP server."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import time
from datetime import date

import pytest

from kiosk.app.cli import main
from kiosk.app.settings import load_settings
from kiosk.app.wiring import build_services
from kiosk.domain.billing_preference import BillingChannel
from kiosk.domain.dispute import DisputeReason
from tests.builders import make_customer, make_invoice
from tests.fixtures.delivery_parts import MailServer

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def cache(monkeypatch, mail_server):
    monkeypatch.setenv("KIOSK_SMTP__HOST", "127.0.0.1")
    monkeypatch.setenv("KIOSK_SMTP__PORT", str(mail_server.port))
    monkeypatch.setenv("KIOSK_SMTP__SECURITY", "none")
    monkeypatch.setenv("KIOSK_SMTP__SENDER", "facturacion@ejemplo.mx")
    services = build_services(load_settings(None))
    store = services.storage.invoices
    store.upsert_customers([make_customer("C001")])
    store.upsert_invoices([
        make_invoice(1, doc_num=5001, due_date=date(2030, 1, 31)),
        make_invoice(2, doc_num=5002, due_date=date(2030, 1, 31)),
        make_invoice(3, doc_num=5003, paid_to_date="232.00"),
    ])  # fmt: skip
    services.preferences.register(
        "C001", BillingChannel.EMAIL, "pagos@penanorte.mx", clerk="maria", consent_given=True
    )
    services.close()
    return mail_server


def run(capsys, *arguments: str) -> tuple[int, str, str]:
    code = main(list(arguments))
    out, err = capsys.readouterr()
    return code, out, err


def as_json(capsys, *arguments: str):
    code, out, _ = run(capsys, *arguments, "--json")
    assert code == 0
    return json.loads(out)


def test_a_line_dispute_takes_its_amount_out_of_what_is_due(cache, capsys):
    code, out, _ = run(capsys, "disputes", "open", "5001", "--line", "1", "--reason",
                       "wrong_price", "--comment", "el precio  era 40",
                       "--by", "kiosk")  # fmt: skip
    assert (code, out) == (0, "dispute D-000001 opened for $116.00\n")
    shown = as_json(capsys, "invoices", "show", "5001")
    assert shown["amount_due"] == "116.00" and shown["total"] == "232.00"
    customer = as_json(capsys, "customers", "show", "C001")
    assert customer["open_balance"] == [{"currency": "MXN", "amount": "348.00"}]
    [dispute] = as_json(capsys, "disputes", "list")
    assert (dispute["line"], dispute["amount"], dispute["state"]) == (1, "116.00", "open")
    assert dispute["comment"] == "el precio era 40"
    [notice] = cache.received
    assert notice["To"] == "pagos@penanorte.mx"
    assert notice["Subject"] == "Your dispute D-000001 with Mi Empresa S.A. de C.V."
    assert "line 1 of invoice 5001 for $116.00" in notice.get_payload()[0].get_payload()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--line", "1", "--amount", "-5"], "the disputed amount must be above zero, not -5"),
        (["--line", "1", "--amount", "116.01"],
         "the disputed amount 116.01 is above what can be disputed, 116.00"),
        (["--line", "1", "--amount", "10.005"], "10.005 has more decimals than MXN allows (2)"),
        (["--line", "1", "--amount", "diez"], "“diez” is not an amount"),
        (["--line", "3"], "invoice 5001 has no line 3"),
    ],
)  # fmt: skip
def test_bad_amounts_and_lines_are_refused_in_one_line_and_nothing_is_saved(
    cache, capsys, arguments, message
):
    code, out, err = run(capsys, "disputes", "open", "5001", "--reason", "other", *arguments)
    assert (code, out, err) == (1, "", f"kiosk: {message}\n")
    assert as_json(capsys, "disputes", "list") == []
    assert cache.received == []


def test_one_open_dispute_per_line_and_only_open_invoices(cache, capsys):
    assert run(capsys, "disputes", "open", "5001", "--line", "2", "--reason", "damaged")[0] == 0
    code, _, err = run(capsys, "disputes", "open", "5001", "--line", "2", "--reason", "other")
    assert (code, err) == (1, "kiosk: line 2 of invoice 5001 already has an open dispute\n")
    code, _, err = run(capsys, "disputes", "open", "5001", "--reason", "other")
    assert err == "kiosk: invoice 5001 has disputed lines: dispute the rest line by line\n"
    code, _, err = run(capsys, "disputes", "open", "5003", "--reason", "other")
    assert err == "kiosk: invoice 5003 is not open: only open invoices\n"
    assert len(as_json(capsys, "disputes", "list")) == 1


def test_the_timeline_and_the_amount_due_again_after_a_rejection(cache, capsys):
    run(capsys, "disputes", "open", "5002", "--reason", "duplicate_charge", "--amount", "50",
        "--by", "kiosk")  # fmt: skip
    shown = as_json(capsys, "invoices", "show", "5002")
    assert (shown["amount_due"], shown["disputed"]) == ("182.00", "50.00")
    code, out, _ = run(capsys, "invoices", "show", "5002")
    assert re.search(r"^In dispute +50\.00 MXN$", out, re.MULTILINE)
    code, out, _ = run(capsys, "disputes", "review", "1", "--note", "vemos", "--by", "rosa")
    assert (code, out) == (0, "dispute D-000001: in_review\n")
    rejected = run(capsys, "disputes", "reject", "1", "--note", "cobro correcto", "--by", "rosa")
    assert rejected[0] == 0
    code, _, err = run(capsys, "disputes", "accept", "1", "--note", "tarde", "--by", "rosa")
    assert err == "kiosk: dispute D-000001 is rejected: it cannot become accepted\n"
    shown = as_json(capsys, "disputes", "show", "1")
    assert [(e["state"], e["by"], e["note"]) for e in shown["timeline"]] == [
        ("open", "kiosk", ""), ("in_review", "rosa", "vemos"),
        ("rejected", "rosa", "cobro correcto"),
    ]  # fmt: skip
    assert as_json(capsys, "invoices", "show", "5002")["amount_due"] == "232.00"
    subjects = [m["Subject"] for m in cache.received]
    assert subjects == ["Your dispute D-000001 with Mi Empresa S.A. de C.V."] * 3
    assert len({m["Message-ID"] for m in cache.received}) == 3


class SlowFirstAnswer(MailServer):
    """Takes its time to answer the first message, and keeps it only once it has answered:
    a sender killed meanwhile never had it accepted."""

    answered_once: bool = False

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if not self.answered_once:
            self.answered_once = True
            await asyncio.sleep(30)
        return await super().handle_DATA(server, session, envelope)


def test_a_notice_killed_mid_send_goes_out_once_after_the_restart(
    monkeypatch, unused_tcp_port, capsys
):
    from aiosmtpd.controller import Controller

    server = SlowFirstAnswer(unused_tcp_port)
    controller = Controller(server, hostname="127.0.0.1", port=unused_tcp_port)
    controller.start()
    try:
        for name, value in (
            ("HOST", "127.0.0.1"),
            ("PORT", str(unused_tcp_port)),
            ("SECURITY", "none"),
            ("SENDER", "facturacion@ejemplo.mx"),
        ):
            monkeypatch.setenv(f"KIOSK_SMTP__{name}", value)  # fmt: skip
        services = build_services(load_settings(None))
        services.storage.invoices.upsert_customers([make_customer("C001")])
        services.storage.invoices.upsert_invoices(
            [make_invoice(1, doc_num=5001, due_date=date(2030, 1, 31))]
        )
        services.preferences.register(
            "C001", BillingChannel.EMAIL, "pagos@penanorte.mx", clerk="maria", consent_given=True
        )
        invoice = services.documents.invoice_by_number(5001)
        services.disputes.open(invoice, line_number=None, reason=DisputeReason.OTHER, by="kiosk")
        services.close()

        sender = subprocess.Popen([sys.executable, "-m", "kiosk", "deliver"],
                                  env=os.environ.copy(), stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)  # fmt: skip
        deadline = time.monotonic() + 20
        while not server.answered_once and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.answered_once, "the notice never reached the mail server"
        sender.send_signal(signal.SIGKILL)
        sender.wait(timeout=10)
        assert server.received == []

        assert main(["deliver"]) == 0  # the restart sends what was under way
        assert main(["deliver"]) == 0  # and nothing more
    finally:
        controller.stop()
    [notice] = server.received
    assert notice["Subject"] == "Your dispute D-000001 with Mi Empresa S.A. de C.V."
    assert notice["Message-ID"].startswith("<kiosk-1-")


def test_notices_speak_the_language_the_customer_opened_the_dispute_in(cache, capsys):
    run(capsys, "disputes", "open", "5001", "--reason", "other", "--lang", "es", "--by", "kiosk")
    run(capsys, "disputes", "open", "5002", "--reason", "other", "--by", "kiosk")
    run(capsys, "disputes", "review", "1", "--note", "vemos", "--by", "rosa")
    subjects = [m["Subject"] for m in cache.received]
    assert subjects == [
        "Su disputa D-000001 con Mi Empresa S.A. de C.V.",
        "Your dispute D-000002 with Mi Empresa S.A. de C.V.",  # the kiosk's language: en here
        "Su disputa D-000001 con Mi Empresa S.A. de C.V.",
    ]
