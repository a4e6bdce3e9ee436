"""`kiosk invoices show|xml|email|email-xml|receipt` for stamped Mexican invoices, over a real
cache and a real SMTP server."""

from __future__ import annotations

import email
import re
import subprocess
from datetime import date, datetime
from email.message import Message
from pathlib import Path

import pytest

from kiosk.app.cli import main
from kiosk.app.settings import load_settings
from kiosk.app.wiring import open_store
from kiosk.services.ports.fiscal import FiscalDocument, FiscalKind, StampedPayment
from kiosk.storage.fiscal_document_store import SqlFiscalDocumentStore
from tests.builders import make_customer, make_invoice

pytestmark = pytest.mark.usefixtures("english")
FIXTURES = Path(__file__).parents[2] / "fixtures" / "cfdi"
INVOICE_XML = (FIXTURES / "invoice_ppd.xml").read_bytes()
RECEIPT_XML = (FIXTURES / "payment_receipt.xml").read_bytes()
UUID = "6F9A1C2E-3B4D-4E5F-8A7B-9C0D1E2F3A4B"
RECEIPT_UUID = "0B1C2D3E-4F50-4617-8A9B-ACBDCEDFE0F1"
BROKEN_UUID = "11111111-2222-4333-8444-555555555555"
PENDING_UUID = "99999999-2222-4333-8444-555555555555"
FETCHED = datetime(2026, 11, 21, 9, 0)


def kept(uuid: str, kind: FiscalKind, entry: int, xml: bytes | None, problem: str | None = None):
    return FiscalDocument(uuid, kind, entry, xml, problem, FETCHED)


@pytest.fixture
def stamped(monkeypatch, mail_server):
    monkeypatch.setenv("KIOSK_SMTP__HOST", "127.0.0.1")
    monkeypatch.setenv("KIOSK_SMTP__PORT", str(mail_server.port))
    monkeypatch.setenv("KIOSK_SMTP__SECURITY", "none")
    monkeypatch.setenv("KIOSK_SMTP__SENDER", "facturacion@ejemplo.mx")
    store = open_store(load_settings(None).database)
    store.upsert_customers([make_customer("C001")])
    common = {"due_date": date(2030, 1, 31), "customer_tax_id": "PEGJ800101AB6"}
    store.upsert_invoices([
        make_invoice(1, doc_num=5001, fiscal_uuid=UUID, net_total="1064.22", tax_total="170.28",
                     total="1234.50", paid_to_date="500.00", **common),
        make_invoice(2, doc_num=5002, **common),
        make_invoice(3, doc_num=5003, fiscal_uuid=BROKEN_UUID, **common),
        make_invoice(4, doc_num=5004, fiscal_uuid=PENDING_UUID, **common),
    ])  # fmt: skip
    fiscal = SqlFiscalDocumentStore(store.engine)
    fiscal.save_fiscal_document(kept(UUID, FiscalKind.INVOICE, 1, INVOICE_XML))
    fiscal.record_stamped_payments([StampedPayment(801, RECEIPT_UUID, 9, (1,))])
    fiscal.save_fiscal_document(kept(RECEIPT_UUID, FiscalKind.PAYMENT, 801, RECEIPT_XML))
    hostile = b"<!DOCTYPE x [<!ENTITY a 'a'>]><x>&a;</x>"
    problem = "the CFDI XML declares a DTD or entities, which are refused"
    fiscal.save_fiscal_document(kept(BROKEN_UUID, FiscalKind.INVOICE, 3, hostile, problem))
    store.engine.dispose()
    return mail_server


def attachments(message: Message) -> dict[str, bytes]:
    parsed = email.message_from_bytes(message.as_bytes())
    return {
        part.get_filename(): part.get_payload(decode=True)
        for part in parsed.walk()
        if part.get_filename()
    }


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def test_show_names_the_folio_fiscal_the_receipts_and_what_staff_must_see(stamped, capsys):
    assert main(["invoices", "show", "5001"]) == 0
    out = capsys.readouterr().out
    assert re.search(rf"^Folio fiscal +{UUID}$", out, re.MULTILINE)
    assert re.search(r"^XML +FA5001\.xml$", out, re.MULTILINE)
    assert re.search(rf"^Payment receipt +{RECEIPT_UUID}  500\.00$", out, re.MULTILINE)
    assert main(["invoices", "show", "5003"]) == 0
    out = capsys.readouterr().out
    assert re.search(
        r"^CFDI unusable +the CFDI XML declares a DTD or entities, which are refused$",
        out,
        re.MULTILINE,
    )
    assert main(["invoices", "show", "5002"]) == 0
    assert "Folio fiscal" not in capsys.readouterr().out


def test_show_json_carries_the_cfdi(stamped, capsys):
    import json

    assert main(["invoices", "show", "5001", "--json"]) == 0
    cfdi = json.loads(capsys.readouterr().out)["cfdi"]
    assert cfdi["uuid"] == UUID and cfdi["total"] == "1234.50"
    assert cfdi["receiver_rfc"] == "PEGJ800101AB6" and cfdi["payment_method"] == "PPD"
    assert cfdi["problem"] is None and cfdi["discrepancy"] is None
    assert cfdi["payment_receipts"] == [
        {"uuid": RECEIPT_UUID, "file": "CP801.xml", "paid": ["500.00"]}
    ]


def test_xml_writes_the_stamped_file_unchanged(stamped, capsys, tmp_path):
    out = tmp_path / "factura.xml"
    assert main(["invoices", "xml", "5001", "--out", str(out)]) == 0
    assert out.read_bytes() == INVOICE_XML
    assert f"XML of invoice 5001 (FA5001.xml) written to {out}" in capsys.readouterr().out
    assert main(["invoices", "xml", "5002", "--out", str(out)]) == 1
    assert capsys.readouterr().err == (
        "kiosk: invoice 5002 has no usable XML: it has no stamped CFDI\n"
    )
    assert main(["invoices", "xml", "5003", "--out", str(out)]) == 1
    assert "refused" in capsys.readouterr().err


def test_the_invoice_email_carries_its_pdf_and_xml(stamped, capsys):
    assert main(["invoices", "email", "5001", "--to", "cliente@correo.mx"]) == 0
    files = attachments(stamped.received[0])
    assert set(files) == {"Invoice-5001.pdf", "FA5001.xml"}
    assert files["FA5001.xml"] == INVOICE_XML
    assert files["Invoice-5001.pdf"].startswith(b"%PDF")


def test_email_xml_sends_the_xml_alone(stamped, capsys):
    assert main(["invoices", "email-xml", "5001", "--to", "cliente@correo.mx"]) == 0
    message = stamped.received[0]
    assert attachments(message) == {"FA5001.xml": INVOICE_XML}
    assert message["Subject"] == "XML of your invoice 5001 from Mi Empresa S.A. de C.V. (CFDI)"
    assert main(["invoices", "email-xml", "5002", "--to", "cliente@correo.mx"]) == 1
    assert "has no stamped XML" in capsys.readouterr().err


def test_receipt_pdf_and_xml(stamped, capsys, tmp_path):
    pdf, xml = tmp_path / "pago.pdf", tmp_path / "pago.xml"
    assert main(["invoices", "receipt", RECEIPT_UUID, "--out", str(pdf), "--lang", "es"]) == 0
    text = pdf_text(pdf)
    assert RECEIPT_UUID in text and UUID in text.upper()
    assert main(["invoices", "receipt", RECEIPT_UUID, "--out", str(xml), "--xml"]) == 0
    assert xml.read_bytes() == RECEIPT_XML
    assert main(["invoices", "receipt", "NOPE", "--out", str(xml)]) == 1


def test_a_hostile_xml_gives_the_generic_pdf(stamped, capsys, tmp_path):
    out = tmp_path / "factura.pdf"
    assert main(["invoices", "pdf", "5003", "--out", str(out), "--lang", "es"]) == 0
    text = pdf_text(out)
    assert "representación impresa" not in text
    assert "5003" in text and "Folio fiscal" not in text
    assert main(["invoices", "pdf", "5001", "--out", str(out), "--lang", "es"]) == 0
    assert "Este documento es una representación impresa de un CFDI" in pdf_text(out)


def test_a_stamped_invoice_whose_xml_is_not_here_yet_waits_instead_of_going_generic(
    stamped, capsys
):
    assert main(["invoices", "email", "5004", "--to", "cliente@correo.mx"]) == 3
    assert f"folio fiscal {PENDING_UUID} is not downloaded yet" in capsys.readouterr().err
    assert stamped.received == []
    assert main(["deliveries", "--json"]) == 0
    import json

    [delivery] = json.loads(capsys.readouterr().out)
    assert delivery["state"] == "queued" and delivery["error_code"] == "cfdi"
