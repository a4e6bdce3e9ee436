"""`kiosk invoices pdf`, `kiosk payments request` and `kiosk payments slip` on a real cache."""

from __future__ import annotations

import json
from datetime import date

import pytest
from pypdf import PdfReader

from kiosk.app.cli import main
from kiosk.app.settings import load_settings
from kiosk.app.wiring import open_store
from tests.builders import make_customer, make_invoice
from tests.integration.documents.conftest import decode_qr


@pytest.fixture
def cache() -> None:
    store = open_store(load_settings(None).database)
    store.upsert_customers([make_customer("C001")])
    store.upsert_invoices(
        [
            make_invoice(1, doc_num=5001, due_date=date(2030, 1, 31)),
            make_invoice(2, doc_num=5002, due_date=date(2030, 2, 28), paid_to_date="32.00"),
        ]
    )


def test_invoice_pdf_in_both_languages(cache, tmp_path, capsys):
    assert main(["invoices", "pdf", "5001", "--out", str(tmp_path / "es.pdf")]) == 0
    assert main(["invoices", "pdf", "5001", "--out", str(tmp_path / "en.pdf"), "--lang", "en"]) == 0

    spanish = PdfReader(tmp_path / "es.pdf").pages[0].extract_text()
    english = PdfReader(tmp_path / "en.pdf").pages[0].extract_text()
    assert "FACTURA" in spanish and "31/01/2030" in spanish
    assert "INVOICE" in english and "01/31/2030" in english
    assert "factura 5001 guardada en" in capsys.readouterr().out  # the kiosk's language: Spanish


def test_payment_request_and_its_slip(cache, tmp_path, capsys):
    assert main(["payments", "request", "5001", "5002", "--json"]) == 0
    request = json.loads(capsys.readouterr().out)

    assert request["amount"] == "432.00" and [i["doc_num"] for i in request["invoices"]] == [
        5001,
        5002,
    ]
    assert (
        request["qr_payload"] == f"https://pay.example.com/p/{request['reference']}?amount=432.00"
    )
    slip = tmp_path / "slip.pdf"
    assert main(["payments", "slip", request["reference"], "--out", str(slip)]) == 0
    assert request["reference"] in PdfReader(slip).pages[0].extract_text()


@pytest.mark.usefixtures("english")
def test_document_errors_are_one_line(cache, tmp_path, capsys):
    assert main(["payments", "slip", "0000000000", "--out", str(tmp_path / "x.pdf")]) == 1
    assert capsys.readouterr().err == "kiosk: no payment request with reference 0000000000\n"
    assert main(["invoices", "pdf", "5001", "--out", str(tmp_path / "no" / "x.pdf")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("kiosk: cannot write") and err.count("\n") == 1


def test_every_invoice_pdf_carries_its_kiosk_code_and_open_ones_a_payment_link(
    cache, tmp_path, capsys
):
    assert main(["invoices", "pdf", "5001", "--out", str(tmp_path / "open.pdf")]) == 0
    codes = decode_qr((tmp_path / "open.pdf").read_bytes(), tmp_path / "open")

    assert sorted(codes)[0] == "KIOSK 5001 C001"
    assert sorted(codes)[1].startswith("https://pay.example.com/p/")
    assert "Kiosco" in PdfReader(tmp_path / "open.pdf").pages[0].extract_text()
