"""The printed representation of stamped CFDIs: every fiscal field as the XML gives it, the seals
and the cadena original, a SAT QR that scans, the Spanish legal texts in both languages, one page
for a usual invoice."""

from __future__ import annotations

import copy
import io
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from xml.etree import ElementTree

import pytest
from pypdf import PdfReader

from kiosk.cfdi.xml_reader import read_cfdi
from kiosk.payments.qr_encoder import QrEncoder
from tests.builders import make_customer, make_invoice
from tests.integration.documents.conftest import (
    TODAY,
    decode_qr,
    layout_text,
    pages_text,
    transparency,
)

FIXTURES = Path(__file__).parents[2] / "fixtures" / "cfdi"
NS = {
    "cfdi": "http://www.sat.gob.mx/cfd/4",
    "tfd": "http://www.sat.gob.mx/TimbreFiscalDigital",
    "pago20": "http://www.sat.gob.mx/Pagos20",
}
SAT_PAGE = "https://verificacfdi.facturaelectronica.sat.gob.mx/default.aspx"
PAY_LINK = "https://pay.example.com/p/0000004253?amount=734.50"
KIOSK_CODE = "KIOSK:5001:C001"
LEGEND = "Este documento es una representación impresa de un CFDI"
ISSUER_SEAL = "Sello digital del CFDI"
SAT_SEAL = "Sello del SAT"
ORIGINAL_CHAIN = "Cadena original del complemento de certificación digital del SAT"
SYMBOLS = {"MXN": "$", "USD": "US$"}
TAX_NAMES = {"001": "ISR", "002": "IVA", "003": "IEPS"}


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def parsed(xml: bytes) -> ElementTree.Element:
    return ElementTree.fromstring(xml)


def stamp_of(root: ElementTree.Element) -> ElementTree.Element:
    found = root.find("cfdi:Complemento/tfd:TimbreFiscalDigital", NS)
    assert found is not None
    return found


def child(root: ElementTree.Element, path: str) -> ElementTree.Element:
    found = root.find(path, NS)
    assert found is not None, path
    return found


def expected_sat_url(root: ElementTree.Element) -> str:
    """The verification URL as Anexo 20 builds it from the XML, independently of the kiosk."""
    issuer, receiver = child(root, "cfdi:Emisor"), child(root, "cfdi:Receptor")
    total = Decimal(root.attrib["Total"])
    return (
        f"{SAT_PAGE}?id={stamp_of(root).attrib['UUID']}&re={issuer.attrib['Rfc']}"
        f"&rr={receiver.attrib['Rfc']}&tt={total:.6f}&fe={root.attrib['Sello'][-8:]}"
    )


def expected_chain(stamp: ElementTree.Element) -> str:
    """||Version|UUID|FechaTimbrado|RfcProvCertif|[Leyenda|]SelloCFD|NoCertificadoSAT||, as the
    SAT's cadenaoriginal_TFD_1_1.xslt writes it."""
    fields = [stamp.get(name) for name in ("Version", "UUID", "FechaTimbrado", "RfcProvCertif")]
    if stamp.get("Leyenda"):
        fields.append(stamp.get("Leyenda"))
    fields += [stamp.get("SelloCFD"), stamp.get("NoCertificadoSAT")]
    return "||" + "|".join(str(field) for field in fields) + "||"


def printed(amount: str, currency: str = "MXN") -> str:
    """An XML amount as paper shows it: $1,234.50, rounded half up to cents."""
    cents = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{SYMBOLS[currency]}{cents:,.2f}"


def flat(text: str) -> str:
    """Layout text with every run of blanks and line breaks made one space."""
    return " ".join(text.split())


def unbroken(text: str) -> str:
    """Text without any whitespace: how a seal wrapped across lines is compared."""
    return "".join(text.split())


def matching_invoice(root: ElementTree.Element, *, paid: str = "500.00") -> object:
    """The SAP invoice the CFDI was stamped for: its number, totals and folio fiscal."""
    taxes = child(root, "cfdi:Impuestos")
    transferred = Decimal(taxes.get("TotalImpuestosTrasladados", "0"))
    withheld = Decimal(taxes.get("TotalImpuestosRetenidos", "0"))
    return make_invoice(
        5001,
        doc_num=int(root.get("Folio", "77")),
        customer_name=child(root, "cfdi:Receptor").attrib["Nombre"],
        customer_tax_id=child(root, "cfdi:Receptor").attrib["Rfc"],
        currency=root.attrib["Moneda"],
        net_total=root.attrib["SubTotal"],
        tax_total=str(transferred - withheld),
        total=root.attrib["Total"],
        paid_to_date=paid,
        document_date=date(2026, 11, 2),
        posting_date=date(2026, 11, 2),
        due_date=date(2026, 12, 2),
        fiscal_uuid=stamp_of(root).attrib["UUID"],
    )


def render(
    renderer,
    xml: bytes,
    *,
    language: str = "es",
    paid: str = "500.00",
    payment_qr: bool = True,
    kiosk_qr: bool = True,
    complements: tuple[bytes, ...] = (),
) -> bytes:
    cfdi = read_cfdi(xml)
    encoder = QrEncoder()
    return renderer.render(
        matching_invoice(parsed(xml), paid=paid),
        cfdi,
        make_customer(),
        language=language,
        today=TODAY,
        sat_qr=encoder.encode(cfdi.sat_verification_url()),  # what the services hand over
        qr=encoder.encode(PAY_LINK) if payment_qr else None,
        payment_reference="0000004253" if payment_qr else None,
        kiosk_qr=encoder.encode(KIOSK_CODE) if kiosk_qr else None,
        complements=tuple(read_cfdi(receipt) for receipt in complements),
    )


def render_receipt(renderer, xml: bytes, language: str = "es") -> bytes:
    cfdi = read_cfdi(xml)
    return renderer.render(
        cfdi, language=language, sat_qr=QrEncoder().encode(cfdi.sat_verification_url())
    )


def with_concepts(count: int) -> bytes:
    """invoice_ppd.xml with `count` concepts, each described "Artículo de prueba <n>"."""
    root = parsed(fixture("invoice_ppd.xml"))
    concepts = child(root, "cfdi:Conceptos")
    originals = list(concepts)
    for concept in originals:
        concepts.remove(concept)
    for number in range(count):
        concept = copy.deepcopy(originals[number % len(originals)])
        concept.set("Descripcion", f"Artículo de prueba {number}")
        concepts.append(concept)
    return ElementTree.tostring(root, encoding="utf-8")


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def fiscal_fields(root: ElementTree.Element) -> list[str]:
    """Each fiscal field of the voucher with the label beside it, read from the XML."""
    issuer, receiver, stamp = (
        child(root, "cfdi:Emisor"), child(root, "cfdi:Receptor"), stamp_of(root)
    )  # fmt: skip
    currency = root.attrib["Moneda"]
    taxes = child(root, "cfdi:Impuestos")
    fields = [
        issuer.attrib["Nombre"],
        f"RFC: {issuer.attrib['Rfc']}",
        f"Régimen fiscal: {issuer.attrib['RegimenFiscal']} - ",
        f"Folio fiscal (UUID) {stamp.attrib['UUID']}",
        f"Fecha de emisión {root.attrib['Fecha']}",
        f"Fecha de timbrado {stamp.attrib['FechaTimbrado']}",
        f"Lugar de expedición {root.attrib['LugarExpedicion']}",
        f"Tipo de comprobante {root.attrib['TipoDeComprobante']} - Ingreso",
        f"No. certificado emisor {root.attrib['NoCertificado']}",
        f"No. certificado SAT {stamp.attrib['NoCertificadoSAT']}",
        f"Exportación {root.attrib['Exportacion']} - No aplica",
        f"Receptor {receiver.attrib['Nombre']}",
        f"RFC receptor {receiver.attrib['Rfc']}",
        f"Régimen fiscal {receiver.attrib['RegimenFiscalReceptor']} - ",
        f"Domicilio fiscal (CP) {receiver.attrib['DomicilioFiscalReceptor']}",
        f"Uso CFDI {receiver.attrib['UsoCFDI']} - Gastos en general",
        f"Moneda {currency}",
        f"Tipo de cambio {root.attrib['TipoCambio']}",
        f"Forma de pago {root.attrib['FormaPago']} - ",
        f"Método de pago {root.attrib['MetodoPago']} - Pago en",
        f"Subtotal {printed(root.attrib['SubTotal'], currency)}",
        f"Impuestos trasladados {printed(taxes.attrib['TotalImpuestosTrasladados'], currency)}",
        f"Total {printed(root.attrib['Total'], currency)}",
        f"RFC del proveedor de certificación: {stamp.attrib['RfcProvCertif']}",
        LEGEND,
    ]
    if root.get("Serie"):
        fields.append(f"Serie y folio {root.attrib['Serie']}-{root.attrib['Folio']}")
    if root.get("Descuento"):
        fields.append(f"Descuento {printed(root.attrib['Descuento'], currency)}")
    if taxes.get("TotalImpuestosRetenidos"):
        fields.append(
            f"Impuestos retenidos {printed(taxes.attrib['TotalImpuestosRetenidos'], currency)}"
        )
    for kind, label in (("Traslado", "Traslado"), ("Retencion", "Retención")):
        for tax in root.findall(f"cfdi:Impuestos/cfdi:{kind}s/cfdi:{kind}", NS):
            fields.append(
                " ".join(
                    [
                        label,
                        f"{tax.attrib['Impuesto']} - {TAX_NAMES[tax.attrib['Impuesto']]}",
                        tax.get("TipoFactor", "-"),
                        tax.get("TasaOCuota", "-"),
                        printed(tax.attrib["Base"], currency) if tax.get("Base") else "-",
                        printed(tax.attrib["Importe"], currency) if tax.get("Importe") else "-",
                    ]
                )
            )
    return fields


def concept_taxes(concept: ElementTree.Element, currency: str) -> str:
    """The small line under a concept: each of its taxes, carried then withheld."""
    parts = []
    for kind, label in (("Traslado", "Traslado"), ("Retencion", "Retención")):
        for tax in concept.findall(f"cfdi:Impuestos/cfdi:{kind}s/cfdi:{kind}", NS):
            name = f"{label} {tax.attrib['Impuesto']} - {TAX_NAMES[tax.attrib['Impuesto']]}"
            factor = " ".join(tax.get(key, "") for key in ("TipoFactor", "TasaOCuota")).strip()
            text = f"{name}, {factor}, Base {printed(tax.attrib['Base'], currency)}"
            if tax.get("Importe"):
                text += f", Importe {printed(tax.attrib['Importe'], currency)}"
            parts.append(text)
    return "; ".join(parts)


def test_the_sat_qr_on_paper_decodes_to_the_verification_url_of_the_xml(cfdi_invoice_pdf, tmp_path):
    xml = fixture("invoice_ppd.xml")

    pdf = render(cfdi_invoice_pdf, xml, payment_qr=False, kiosk_qr=False)

    expected = expected_sat_url(parsed(xml))
    assert expected.endswith("&tt=1234.500000&fe=9FQYng==")
    assert decode_qr(pdf, tmp_path) == [expected]


def test_every_fiscal_field_the_seals_and_the_cadena_original_are_printed(
    cfdi_invoice_pdf, tmp_path
):
    xml = fixture("invoice_ppd.xml")
    root = parsed(xml)

    text = layout_text(render(cfdi_invoice_pdf, xml), tmp_path)

    page = flat(text)
    for field in fiscal_fields(root):
        assert field in page, f"{field!r} missing"
    assert "Factura núm. 5001" in page  # SAP's number, which the kiosk finds the invoice by
    for concept in root.findall("cfdi:Conceptos/cfdi:Concepto", NS):
        row = " ".join(
            part
            for part in (
                concept.attrib["ClaveProdServ"],
                concept.get("NoIdentificacion"),
                concept.attrib["Cantidad"],
                f"{concept.attrib['ClaveUnidad']} - {concept.attrib['Unidad']}",
                concept.attrib["Descripcion"],
                printed(concept.attrib["ValorUnitario"]),
                printed(concept.attrib["Importe"]),
                concept.attrib["ObjetoImp"],
            )
            if part
        )
        assert row in page, f"concept row {row!r} missing"
        assert concept_taxes(concept, "MXN") in page
    assert "Importe con letra: UN MIL DOSCIENTOS TREINTA Y CUATRO PESOS 50/100 M.N." in page
    stamp = stamp_of(root)
    whole = unbroken(text)
    assert unbroken(f"{ISSUER_SEAL}: {root.attrib['Sello']}") in whole
    assert unbroken(f"{SAT_SEAL}: {stamp.attrib['SelloSAT']}") in whole
    assert unbroken(f"{ORIGINAL_CHAIN}: {expected_chain(stamp)}") in whole


def test_withholdings_exempt_taxes_and_another_currency_come_from_the_xml(
    cfdi_invoice_pdf, tmp_path
):
    xml = fixture("invoice_withholding.xml")
    root = parsed(xml)

    # Paid in full: no payment block, and the page says so.
    pdf = render(cfdi_invoice_pdf, xml, paid=root.attrib["Total"], payment_qr=False)

    text = layout_text(pdf, tmp_path)
    page = flat(text)
    for field in fiscal_fields(root):
        assert field in page, f"{field!r} missing"
    first, second = root.findall("cfdi:Conceptos/cfdi:Concepto", NS)
    assert concept_taxes(first, "USD") in page  # a traslado and two retenciones, wrapped
    assert concept_taxes(second, "USD") in page  # exento: neither rate nor amount
    assert "Retención 001 - ISR - - - US$1,000.00" in page
    assert "Importe con letra: DIEZ MIL TREINTA Y TRES DÓLARES 33/100 USD" in page
    assert "US$6,666.67" in page and "US$0.00" in page  # ValorUnitario and Descuento
    assert "Serie y folio" not in page  # the XML has neither Serie nor Folio
    assert unbroken(f"{ORIGINAL_CHAIN}: {expected_chain(stamp_of(root))}") in unbroken(text)
    assert "|Leyenda de prueba|" in expected_chain(stamp_of(root))
    assert "Cómo pagar" not in page
    # pdftotext -layout leaves the rotated stamp out; pypdf reads it.
    assert "PAGADA" in pages_text(pdf)[0]
    assert transparency(pdf) == []


def test_the_english_layout_keeps_the_spanish_legal_texts(cfdi_invoice_pdf, tmp_path):
    xml = fixture("invoice_ppd.xml")
    root = parsed(xml)

    text = layout_text(render(cfdi_invoice_pdf, xml, language="en"), tmp_path)

    page = flat(text)
    for legal in (LEGEND, "Sello digital del CFDI:", "Sello del SAT:", f"{ORIGINAL_CHAIN}:"):
        assert legal in page, f"{legal!r} missing in the English layout"
    assert "Amount in words: UN MIL DOSCIENTOS TREINTA Y CUATRO PESOS 50/100 M.N." in page
    for english in (
        "INVOICE",
        "Invoice no. 5001",
        f"Fiscal folio (UUID) {stamp_of(root).attrib['UUID']}",
        "Payment method PPD - Pago en parcialidades o diferido",
        "CFDI use G03 - Gastos en general",
        "How to pay",
        "Page 1 of 1",
    ):
        assert english in page, f"{english!r} missing in the English layout"
    for spanish in ("FACTURA", "Folio fiscal", "Método de pago", "Importe con letra", "Página"):
        assert spanish not in page, f"{spanish!r} left in the English layout"
    assert unbroken(expected_chain(stamp_of(root))) in unbroken(text)


def test_the_payment_qr_is_printed_only_while_something_is_due(cfdi_invoice_pdf, tmp_path):
    xml = fixture("invoice_ppd.xml")
    sat = expected_sat_url(parsed(xml))

    due = render(cfdi_invoice_pdf, xml, paid="500.00", kiosk_qr=False)
    # Even handed a payment QR, a settled invoice shows none.
    settled = render(cfdi_invoice_pdf, xml, paid="1234.50", kiosk_qr=False)

    assert sorted(decode_qr(due, tmp_path / "due")) == sorted([sat, PAY_LINK])
    assert decode_qr(settled, tmp_path / "settled") == [sat]
    due_text = flat(layout_text(due, tmp_path / "due"))
    settled_text = flat(layout_text(settled, tmp_path / "settled"))
    assert "Cómo pagar" in due_text and "Referencia: 0000004253" in due_text
    assert "Saldo a pagar $734.50" in due_text
    assert "Cómo pagar" not in settled_text and "0000004253" not in settled_text
    assert "PAGADA" in pages_text(settled)[0] and "PAGADA" not in pages_text(due)[0]


def test_the_kiosk_code_is_printed_beside_the_title(cfdi_invoice_pdf, tmp_path):
    xml = fixture("invoice_ppd.xml")

    pdf = render(cfdi_invoice_pdf, xml, payment_qr=False, kiosk_qr=True)

    assert sorted(decode_qr(pdf, tmp_path)) == sorted([expected_sat_url(parsed(xml)), KIOSK_CODE])


def test_a_ppd_invoice_lists_the_payment_receipts_that_pay_it(cfdi_invoice_pdf, tmp_path):
    receipt_xml = fixture("payment_receipt.xml")
    receipt = parsed(receipt_xml)
    payment = child(receipt, "cfdi:Complemento/pago20:Pagos/pago20:Pago")
    paid = child(payment, "pago20:DoctoRelacionado")
    receipt_uuid = stamp_of(receipt).attrib["UUID"]
    other_uuid = "AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE"
    pays_another_invoice = receipt_xml.replace(
        paid.attrib["IdDocumento"].encode(), b"11111111-2222-4333-8444-555555555555"
    ).replace(receipt_uuid.encode(), other_uuid.encode())
    invoice_xml = fixture("invoice_ppd.xml")

    with_receipts = render(
        cfdi_invoice_pdf, invoice_xml, complements=(receipt_xml, pays_another_invoice)
    )
    without = render(cfdi_invoice_pdf, invoice_xml)

    text = flat(layout_text(with_receipts, tmp_path / "with"))
    assert "Complementos de pago recibidos" in text
    row = " ".join(
        [
            receipt_uuid,
            f"{receipt.attrib['Serie']}-{receipt.attrib['Folio']}",
            payment.attrib["FechaPago"],
            paid.attrib["NumParcialidad"],
            printed(paid.attrib["ImpSaldoAnt"]),
            printed(paid.attrib["ImpPagado"]),
            printed(paid.attrib["ImpSaldoInsoluto"]),
        ]
    )
    assert row in text
    assert other_uuid not in text
    assert "Complementos de pago recibidos" not in flat(layout_text(without, tmp_path / "no"))


def test_the_payment_receipt_shows_its_payments_seals_and_a_sat_qr_that_scans(
    cfdi_payment_pdf, tmp_path
):
    xml = fixture("payment_receipt.xml")
    root = parsed(xml)
    stamp = stamp_of(root)
    payment = child(root, "cfdi:Complemento/pago20:Pagos/pago20:Pago")
    paid = child(payment, "pago20:DoctoRelacionado")
    receiver = child(root, "cfdi:Receptor")

    pdf = render_receipt(cfdi_payment_pdf, xml)

    assert decode_qr(pdf, tmp_path / "qr") == [expected_sat_url(root)]
    assert expected_sat_url(root).endswith("&tt=0.000000&fe=P82q+g==")
    text = layout_text(pdf, tmp_path / "text")
    page = flat(text)
    for field in (
        "RECIBO ELECTRÓNICO",
        "Complemento para recepción de pagos 2.0",
        f"Serie y folio {root.attrib['Serie']}-{root.attrib['Folio']}",
        f"RFC: {child(root, 'cfdi:Emisor').attrib['Rfc']}",
        f"Folio fiscal (UUID) {stamp.attrib['UUID']}",
        f"Fecha de emisión {root.attrib['Fecha']}",
        f"Fecha de timbrado {stamp.attrib['FechaTimbrado']}",
        f"No. certificado emisor {root.attrib['NoCertificado']}",
        f"No. certificado SAT {stamp.attrib['NoCertificadoSAT']}",
        f"Tipo de comprobante {root.attrib['TipoDeComprobante']} - Pago",
        f"Receptor {receiver.attrib['Nombre']}",
        f"RFC receptor {receiver.attrib['Rfc']}",
        f"Uso CFDI {receiver.attrib['UsoCFDI']} - Pagos",
        "Pago 1",
        f"Fecha de pago {payment.attrib['FechaPago']} Moneda {payment.attrib['MonedaP']}",
        f"Forma de pago {payment.attrib['FormaDePagoP']} - Transferencia electrónica de fondos "
        f"Monto {printed(payment.attrib['Monto'])}",
        " ".join(
            [
                paid.attrib["IdDocumento"],
                f"{paid.attrib['Serie']}-{paid.attrib['Folio']}",
                paid.attrib["MonedaDR"],
                paid.attrib["NumParcialidad"],
                printed(paid.attrib["ImpSaldoAnt"]),
                printed(paid.attrib["ImpPagado"]),
                printed(paid.attrib["ImpSaldoInsoluto"]),
            ]
        ),
        LEGEND,
    ):
        assert field in page, f"{field!r} missing"
    whole = unbroken(text)
    assert unbroken(f"{ISSUER_SEAL}: {root.attrib['Sello']}") in whole
    assert unbroken(f"{SAT_SEAL}: {stamp.attrib['SelloSAT']}") in whole
    assert unbroken(f"{ORIGINAL_CHAIN}: {expected_chain(stamp)}") in whole
    english = flat(layout_text(render_receipt(cfdi_payment_pdf, xml, "en"), tmp_path / "en"))
    assert "PAYMENT RECEIPT" in english and "Payment 1" in english
    assert LEGEND in english and f"{ORIGINAL_CHAIN}:" in english


def test_the_same_input_gives_the_same_bytes(cfdi_invoice_pdf, cfdi_payment_pdf):
    invoice_xml, receipt_xml = fixture("invoice_ppd.xml"), fixture("payment_receipt.xml")

    first = render(cfdi_invoice_pdf, invoice_xml, complements=(receipt_xml,))
    receipt = render_receipt(cfdi_payment_pdf, receipt_xml)

    assert render(cfdi_invoice_pdf, invoice_xml, complements=(receipt_xml,)) == first
    assert render_receipt(cfdi_payment_pdf, receipt_xml) == receipt
    assert first != render(cfdi_invoice_pdf, invoice_xml)  # the receipts are in the bytes


@pytest.mark.parametrize(
    ("concepts", "receipts", "language"), [(8, 1, "es"), (8, 1, "en"), (10, 0, "es")]
)
def test_a_usual_invoice_with_every_qr_fits_one_letter_page(
    cfdi_invoice_pdf, tmp_path, concepts, receipts, language
):
    xml = with_concepts(concepts)
    complements = (fixture("payment_receipt.xml"),) * receipts

    pdf = render(cfdi_invoice_pdf, xml, language=language, complements=complements)

    assert page_count(pdf) == 1
    page = flat(layout_text(pdf, tmp_path))
    assert all(f"Artículo de prueba {n} " in page for n in range(concepts))
    assert LEGEND in page and "0000004253" in page  # the seals' end and the payment block
    assert (stamp_of(parsed(fixture("payment_receipt.xml"))).attrib["UUID"] in page) is bool(
        receipts
    )
    assert len(decode_qr(pdf, tmp_path / "qr")) == 3  # SAT, payment and kiosk codes


def test_a_long_invoice_repeats_the_concepts_header_and_ends_with_the_seals(
    cfdi_invoice_pdf, tmp_path
):
    pdf = render(cfdi_invoice_pdf, with_concepts(60))

    pages = layout_text(pdf, tmp_path).split("\f")
    pages = [flat(page) for page in pages if page.strip()]
    assert len(pages) == page_count(pdf) > 1
    with_concepts_on_it = [page for page in pages if "Artículo de prueba" in page]
    assert all("Descripción" in page for page in with_concepts_on_it)
    assert sum(page.count("Artículo de prueba") for page in pages) == 60
    assert all(f"Página {n} de {len(pages)}" in page for n, page in enumerate(pages, 1))
    assert LEGEND in pages[-1] and all(LEGEND not in page for page in pages[:-1])
    assert "Total $1,234.50" in pages[-1]
