"""`kiosk invoices email|print`, `printers` and `deliveries` against real SMTP and CUPS."""

from __future__ import annotations

import json
from datetime import date

import pytest

from kiosk.app.cli import main
from kiosk.app.settings import load_settings
from kiosk.app.wiring import open_store
from tests.builders import make_customer, make_invoice

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def configured(monkeypatch, mail_server, cups_queue):
    monkeypatch.setenv("KIOSK_SMTP__HOST", "127.0.0.1")
    monkeypatch.setenv("KIOSK_SMTP__PORT", str(mail_server.port))
    monkeypatch.setenv("KIOSK_SMTP__SECURITY", "none")
    monkeypatch.setenv("KIOSK_SMTP__SENDER", "facturacion@ejemplo.mx")
    store = open_store(load_settings(None).database)
    store.upsert_customers([make_customer("C001")])
    store.upsert_invoices([make_invoice(1, doc_num=5001, due_date=date(2030, 1, 31))])
    return mail_server, cups_queue


def test_email_print_and_the_log(configured, capsys):
    mail_server, queue = configured

    assert main(["invoices", "email", "5001", "--to", "cliente@correo.mx"]) == 0
    assert "invoice 5001 e-mailed to cliente@correo.mx" in capsys.readouterr().out
    assert main(["invoices", "print", "5001", "--printer", queue]) == 0
    assert f"invoice 5001 printed on {queue} ({queue}-" in capsys.readouterr().out
    assert main(["printers"]) == 0
    assert queue in capsys.readouterr().out

    assert main(["deliveries", "--json"]) == 0
    log = json.loads(capsys.readouterr().out)
    assert [(d["channel"], d["state"]) for d in log] == [("paper", "sent"), ("email", "sent")]
    assert [m["To"] for m in mail_server.received] == ["cliente@correo.mx"]


def test_delivery_errors_are_one_line(configured, capsys):
    assert main(["invoices", "email", "5001"]) == 1
    assert "has no billing e-mail address" in capsys.readouterr().err
    assert main(["invoices", "print", "5001", "--printer", "Nope"]) == 4
    err = capsys.readouterr().err
    assert err.startswith("kiosk: unknown printer 'Nope'") and err.count("\n") == 1


def test_doctor_checks_the_mail_server_and_the_printer(configured, capsys, monkeypatch):
    _mail_server, queue = configured
    monkeypatch.setenv("KIOSK_PRINTING__PRINTER", queue)
    main(["db", "upgrade"])
    capsys.readouterr()

    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "ok    smtp      127.0.0.1:" in out and "250" in out
    assert f"ok    printer   {queue} ready" in out

    monkeypatch.setenv("KIOSK_PRINTING__PRINTER", "Nope")
    assert main(["doctor"]) == 1
    assert "FAIL  printer   printer 'Nope' not found" in capsys.readouterr().out


def test_where_the_store_allows_it_the_email_sap_holds_is_used(configured, capsys, monkeypatch):
    mail_server, _queue = configured
    store = open_store(load_settings(None).database)
    store.upsert_customers([make_customer("C001", email="Compras@Cliente.MX")])
    assert main(["invoices", "email", "5001"]) == 1  # off by default: SAP's contact is not asked
    assert "has no billing e-mail address" in capsys.readouterr().err

    monkeypatch.setenv("KIOSK_DELIVERY__USE_SAP_EMAIL", "true")
    assert main(["invoices", "email", "5001"]) == 0
    assert "invoice 5001 e-mailed to Compras@cliente.mx" in capsys.readouterr().out
    store.upsert_customers([make_customer("C001", email="compras en cliente.mx")])
    assert main(["invoices", "email", "5001"]) == 1  # not an address: still nowhere to send
    assert "has no billing e-mail address" in capsys.readouterr().err
    assert [m["To"] for m in mail_server.received] == ["Compras@cliente.mx"]
