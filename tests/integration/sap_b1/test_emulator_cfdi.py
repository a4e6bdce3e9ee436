"""The emulator's Attachments2 and its demo company's stamped CFDIs, over real HTTP."""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import pytest
import requests
from stdnum.mx import rfc as stdnum_rfc

from kiosk.sap_emulator.cfdi_stamps import rfc_check_digit
from kiosk.sap_emulator.clock import EmulatorClock
from kiosk.sap_emulator.data_store import EmulatorData
from kiosk.sap_emulator.demo_data import seed_demo_company
from kiosk.sap_emulator.server import ServiceLayerEmulator
from tests.integration.sap_b1.conftest import INVOICES, NOW
from tests.integration.sap_b1.test_emulator import RawSession

NS = {
    "cfdi": "http://www.sat.gob.mx/cfd/4",
    "tfd": "http://www.sat.gob.mx/TimbreFiscalDigital",
    "pago20": "http://www.sat.gob.mx/Pagos20",
}
UUID_FORM = re.compile(r"^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$")
ALL = {"B1S-PageSize": "0"}


@pytest.fixture
def sl(emulator: ServiceLayerEmulator, api_version: str) -> Iterator[RawSession]:
    raw = RawSession(emulator, api_version)
    yield raw
    raw.http.close()


def rows(sl: RawSession, query: str) -> list[dict[str, Any]]:
    answer = sl.call("GET", query, **ALL)
    assert answer.status_code == 200, answer.text
    return list(answer.json()["value"])


def amount(value: Any) -> Decimal:
    return Decimal(str(value))


def stamped_invoices(sl: RawSession) -> list[dict[str, Any]]:
    return rows(sl, "Invoices?$filter=EDocNum ne null&$orderby=DocEntry")


def download(sl: RawSession, entry: int, file_name: str | None = None) -> requests.Response:
    query = "" if file_name is None else "?filename=" + quote(f"'{file_name}'")
    return sl.call("GET", f"Attachments2({entry})/$value{query}")


def stamp_of(root: ET.Element) -> ET.Element:
    stamp = root.find("cfdi:Complemento/tfd:TimbreFiscalDigital", NS)
    assert stamp is not None
    return stamp


# --- Attachments2 ----------------------------------------------------------------------------


def test_attachment_entity_names_its_file_like_other_entities(sl, api_version):
    invoice = stamped_invoices(sl)[0]

    answer = sl.call("GET", f"Attachments2({invoice['AttachmentEntry']})")

    assert answer.status_code == 200
    body = answer.json()
    metadata = "odata.metadata" if api_version == "v1" else "@odata.context"
    suffix = "/@Element" if api_version == "v1" else "/$entity"
    assert body[metadata].endswith(f"$metadata#Attachments2{suffix}")
    assert body["AbsoluteEntry"] == invoice["AttachmentEntry"]
    [line] = body["Attachments2_Lines"]
    assert line["FileName"] == f"FA{invoice['DocNum']}" and line["FileExtension"] == "xml"
    assert line["LineNum"] == 0 and line["Override"] == "tNO" and line["SourcePath"]
    assert line["AttachmentDate"].startswith(invoice["DocDate"][:10])
    assert set(line) == {
        "LineNum", "SourcePath", "FileName", "FileExtension", "AttachmentDate", "UserID",
        "Override", "FreeText",
    }  # fmt: skip


def test_value_answers_the_first_file_or_the_named_one(sl):
    invoice = stamped_invoices(sl)[0]
    entry, name = invoice["AttachmentEntry"], f"FA{invoice['DocNum']}.xml"

    first = download(sl, entry)
    named = download(sl, entry, name)

    assert first.status_code == named.status_code == 200
    assert first.headers["Content-Type"] == "application/xml"
    assert first.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    assert named.content == first.content


def test_missing_attachment_or_file_is_404_in_sap_shape(sl):
    entry = stamped_invoices(sl)[0]["AttachmentEntry"]

    for answer in (
        sl.call("GET", "Attachments2(999999)"),
        download(sl, 999999),
        download(sl, entry, "FA1.xml"),
    ):
        assert answer.status_code == 404
        assert sl.error(answer)[0] == "-2028"


def test_attachments_need_a_session_and_pass_through_faults(emulator, sl):
    entry = stamped_invoices(sl)[0]["AttachmentEntry"]
    root = emulator.service_root(sl.version)

    for path in (f"Attachments2({entry})", f"Attachments2({entry})/$value"):
        refused = requests.get(root + path)
        assert refused.status_code == 401 and str(refused.json()["error"]["code"]) == "301"
    emulator.faults.fail_next(rf"^Attachments2\({entry}\)/\$value", status=502, html=True)
    assert download(sl, entry).status_code == 502
    assert download(sl, entry).status_code == 200  # used up


def test_upload_answers_201_and_serves_each_file_by_its_type(sl):
    boundary = "kioskBoundary42"
    pdf, xml = b"%PDF-1.4\r\n\x00\xff binary\r\n%%EOF", "<a>ñ</a>".encode()
    parts = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
        f"Content-Type: application/octet-stream\r\n\r\n".encode()
        + content
        + b"\r\n"
        for name, content in (("slip.pdf", pdf), ("FA9.xml", xml))
    )
    body = parts + f"--{boundary}--\r\n".encode()
    headers = {"Cookie": sl.cookie}

    created = sl.http.post(
        sl.root + "Attachments2",
        data=body,
        headers={**headers, "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    quoted = sl.http.post(
        sl.root + "Attachments2",
        data=body,
        headers={**headers, "Content-Type": f'multipart/form-data; boundary="{boundary}"'},
    )

    assert created.status_code == 201, created.text
    entry = created.json()["AbsoluteEntry"]
    assert created.headers["Location"].endswith(f"Attachments2({entry})")
    names = [
        (line["FileName"], line["FileExtension"]) for line in created.json()["Attachments2_Lines"]
    ]
    assert names == [("slip", "pdf"), ("FA9", "xml")]
    first, second = download(sl, entry), download(sl, entry, "FA9.xml")
    assert (first.content, first.headers["Content-Type"]) == (pdf, "application/pdf")
    assert (second.content, second.headers["Content-Type"]) == (xml, "application/xml")
    assert quoted.status_code == 405


def test_patch_with_files_replaces_a_line_of_the_same_name_and_appends_others(sl):
    boundary = "b0undary"

    def multipart(*files: tuple[str, bytes]) -> dict[str, Any]:
        body = (
            b"".join(
                f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
                f'filename="{name}"\r\n\r\n'.encode()
                + content
                + b"\r\n"
                for name, content in files
            )
            + f"--{boundary}--\r\n".encode()
        )
        content_type = f"multipart/form-data; boundary={boundary}"
        return {"data": body, "headers": {"Cookie": sl.cookie, "Content-Type": content_type}}

    entry = sl.http.post(sl.root + "Attachments2", **multipart(("a.txt", b"one"))).json()[
        "AbsoluteEntry"
    ]
    patched = sl.http.patch(
        sl.root + f"Attachments2({entry})", **multipart(("a.txt", b"two"), ("b.txt", b"three"))
    )

    assert patched.status_code == 204
    lines = sl.call("GET", f"Attachments2({entry})").json()["Attachments2_Lines"]
    assert [(line["LineNum"], line["FileName"]) for line in lines] == [(0, "a"), (1, "b")]
    assert download(sl, entry).content == b"two"
    assert download(sl, entry, "b.txt").content == b"three"


def test_an_invoice_links_an_attachment_by_patch(sl):
    unstamped = rows(sl, "Invoices?$filter=AttachmentEntry eq null&$top=1")[0]
    entry = stamped_invoices(sl)[0]["AttachmentEntry"]

    patched = sl.call(
        "PATCH", f"Invoices({unstamped['DocEntry']})", body={"AttachmentEntry": entry}
    )

    assert patched.status_code == 204
    assert sl.call("GET", f"Invoices({unstamped['DocEntry']})").json()["AttachmentEntry"] == entry


# --- stamped invoices ----------------------------------------------------------------------


def test_most_invoices_are_stamped_and_some_are_not(sl):
    invoices = rows(sl, "Invoices?$select=DocEntry,EDocNum,EDocStatus,AttachmentEntry")
    stamped = [i for i in invoices if i["EDocNum"] is not None]
    unstamped = [i for i in invoices if i["EDocNum"] is None]

    assert len(invoices) == INVOICES
    assert 0.75 * INVOICES <= len(stamped) < INVOICES and unstamped
    assert all(UUID_FORM.match(i["EDocNum"]) for i in stamped)
    assert len({i["EDocNum"] for i in stamped}) == len(stamped)
    assert all(i["EDocStatus"] == "edoc_Ok" and i["AttachmentEntry"] for i in stamped)
    assert all(i["EDocStatus"] == "edoc_New" and i["AttachmentEntry"] is None for i in unstamped)


def test_each_stamped_invoice_xml_agrees_with_the_invoice(sl):
    invoices = stamped_invoices(sl)
    methods = set()

    for invoice in invoices:
        answer = download(sl, invoice["AttachmentEntry"])
        root = ET.fromstring(answer.content)
        stamp = stamp_of(root)
        lines = invoice["DocumentLines"]
        concepts = root.findall("cfdi:Conceptos/cfdi:Concepto", NS)
        deferred = invoice["DocDueDate"][:10] > invoice["DocDate"][:10]
        methods.add(root.get("MetodoPago"))

        assert root.tag == "{http://www.sat.gob.mx/cfd/4}Comprobante"
        assert root.get("Version") == "4.0" and root.get("TipoDeComprobante") == "I"
        assert amount(root.get("Total")) == amount(invoice["DocTotal"])
        assert amount(root.get("SubTotal")) == sum(amount(line["LineTotal"]) for line in lines)
        taxes = root.find("cfdi:Impuestos", NS)
        assert taxes is not None
        assert amount(taxes.get("TotalImpuestosTrasladados")) == amount(invoice["VatSum"])
        assert (root.get("Serie"), root.get("Folio")) == ("FA", str(invoice["DocNum"]))
        assert root.get("Fecha", "").startswith(invoice["DocDate"][:10])
        assert root.get("Moneda") == invoice["DocCurrency"]
        assert root.get("MetodoPago") == ("PPD" if deferred else "PUE")
        assert (root.get("FormaPago") == "99") == deferred
        receiver = root.find("cfdi:Receptor", NS)
        assert receiver is not None and receiver.get("Rfc") == invoice["FederalTaxID"]
        assert root.find("cfdi:Emisor", NS).get("Rfc") == "EKU9003173C9"  # type: ignore[union-attr]
        assert len(concepts) == len(lines)
        for concept, line in zip(concepts, lines, strict=True):
            assert concept.get("NoIdentificacion") == line["ItemCode"]
            assert amount(concept.get("Importe")) == amount(line["LineTotal"])
            [transfer] = concept.findall("cfdi:Impuestos/cfdi:Traslados/cfdi:Traslado", NS)
            assert amount(transfer.get("Importe")) == amount(line["TaxTotal"])
        assert stamp.get("UUID") == invoice["EDocNum"]
        assert stamp.get("SelloCFD") == root.get("Sello")
        assert len(root.get("Sello", "")) == 344
        assert len(base64.b64decode(root.get("Sello", ""))) == 256
        assert len(stamp.get("NoCertificadoSAT", "")) == 20
        issued = datetime.fromisoformat(root.get("Fecha", ""))
        stamped = datetime.fromisoformat(stamp.get("FechaTimbrado", ""))
        assert timedelta(0) < stamped - issued <= timedelta(minutes=2)
    assert methods == {"PPD", "PUE"}


def test_the_same_seed_stamps_the_same_way():
    def demo(seed: int) -> EmulatorData:
        data = EmulatorData(EmulatorClock(frozen_at=NOW))
        seed_demo_company(data, customers=5, invoices=30, seed=seed)
        return data

    one, again, other = demo(3), demo(3), demo(4)
    folios = [
        [row.get("EDocNum") for row in data.query("Invoices", None, [], False)]
        for data in (one, again, other)
    ]

    assert folios[0] == folios[1] != folios[2]
    entry = next(r for r in one.query("Invoices", None, [], False) if r.get("EDocNum"))[
        "AttachmentEntry"
    ]
    assert one.attachment_file(entry, None) == again.attachment_file(entry, None)


# --- payment complements -------------------------------------------------------------------


def test_paid_ppd_invoices_have_payment_receipts_that_reference_them(sl):
    invoices = {i["DocEntry"]: i for i in stamped_invoices(sl)}
    receipts = rows(sl, "IncomingPayments?$filter=EDocNum ne null")

    assert len(receipts) >= 3
    for payment in receipts:
        root = ET.fromstring(download(sl, payment["AttachmentEntry"]).content)
        pagos = root.find("cfdi:Complemento/pago20:Pagos", NS)
        assert pagos is not None and root.get("TipoDeComprobante") == "P"
        assert stamp_of(root).get("UUID") == payment["EDocNum"]
        assert stamp_of(root).get("SelloCFD") == root.get("Sello")
        related = pagos.findall("pago20:Pago/pago20:DoctoRelacionado", NS)
        assert len(related) == len(payment["PaymentInvoices"])
        for document, allocation in zip(related, payment["PaymentInvoices"], strict=True):
            invoice = invoices[allocation["DocEntry"]]
            assert invoice["DocDueDate"][:10] > invoice["DocDate"][:10]  # PPD
            assert document.get("IdDocumento") == invoice["EDocNum"]
            assert document.get("Folio") == str(invoice["DocNum"])
            assert document.get("NumParcialidad") == "1"
            before, paid = amount(document.get("ImpSaldoAnt")), amount(document.get("ImpPagado"))
            after = amount(document.get("ImpSaldoInsoluto"))
            assert paid == amount(allocation["SumApplied"]) and before - paid == after
            assert before == amount(invoice["DocTotal"])  # the demo pays each invoice once
            assert after == amount(invoice["DocTotal"]) - amount(invoice["PaidToDate"])
        totals = pagos.find("pago20:Totales", NS)
        assert totals is not None
        assert amount(totals.get("MontoTotalPagos")) == amount(payment["TransferSum"])


def test_payments_of_pue_or_unstamped_invoices_carry_no_receipt(sl):
    invoices = {i["DocEntry"]: i for i in rows(sl, "Invoices")}
    unreceipted = rows(sl, "IncomingPayments?$filter=EDocNum eq null")

    assert unreceipted
    for payment in unreceipted:
        assert payment["EDocStatus"] == "edoc_New" and payment["AttachmentEntry"] is None
        for allocation in payment["PaymentInvoices"]:
            invoice = invoices[allocation["DocEntry"]]
            pue = invoice["DocDueDate"][:10] == invoice["DocDate"][:10]
            assert pue or invoice["EDocNum"] is None


def test_new_documents_over_http_are_not_stamped_and_cannot_claim_a_stamp(sl):
    body = {
        "CardCode": "C000001",
        "EDocNum": "6F9A1C2E-3B4D-4E5F-8A7B-9C0D1E2F3A4B",
        "DocumentLines": [{"ItemCode": "A00001", "Quantity": 1, "UnitPrice": 10}],
    }

    created = sl.call("POST", "Invoices", body=body).json()

    assert created["EDocNum"] is None and created["EDocStatus"] == "edoc_New"
    assert created["AttachmentEntry"] is None


# --- RFCs ----------------------------------------------------------------------------------


@pytest.mark.parametrize("valid", ["EKU9003173C9", "GODE561231GR8", "PEGJ800101AB6"])
def test_rfc_check_digit_of_known_rfcs(valid):
    assert rfc_check_digit(valid[:-1]) == valid[-1]
    typo = valid[:-2] + chr(ord(valid[-2]) + 1)  # the next character: another check digit
    assert rfc_check_digit(typo) != valid[-1]


def test_generated_customers_carry_valid_rfcs(sl):
    partners = rows(sl, "BusinessPartners?$select=FederalTaxID")

    assert partners
    for partner in partners:
        tax_id = partner["FederalTaxID"]
        assert len(tax_id) in (12, 13)
        assert rfc_check_digit(tax_id[:-1]) == tax_id[-1]
        assert stdnum_rfc.is_valid(tax_id, validate_check_digits=True), tax_id
