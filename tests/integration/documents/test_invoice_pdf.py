"""The invoice PDF: every legal field, long invoices, both languages, and a QR that scans."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from kiosk.payments.qr_encoder import QrEncoder
from tests.builders import make_customer, make_invoice, make_line
from tests.integration.documents.conftest import (
    TODAY,
    decode_qr,
    pages_text,
    transparency,
)

LINK = "https://pay.example.com/p/0000004253?amount=232.00"


def render(invoice_pdf, invoice, language, *, with_qr=True):
    qr = QrEncoder().encode(LINK) if with_qr else None
    return invoice_pdf.render(
        invoice,
        make_customer(),
        language=language,
        today=TODAY,
        qr=qr,
        payment_reference="0000004253" if with_qr else None,
    )


def one_page_invoice():
    return make_invoice(
        42,
        doc_num=100042,
        customer_name="Comercializadora Peña del Norte — Ñandú & Cía",
        document_date=date(2026, 11, 20),
        posting_date=date(2026, 11, 20),
        due_date=date(2026, 12, 20),
        paid_to_date="32.00",
        comments="Entregar en almacén 3.",
        lines=(
            make_line(0, description="Café de Córdoba, año 2026", discount_percent=Decimal("5")),
            make_line(1, tax_code="IVA0", tax_percent=Decimal("0"), tax_amount=Decimal("0")),
        ),
    )


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "es",
            [
                "FACTURA",
                "Factura núm. 100042",
                "Fecha de emisión",
                "20/11/2026",
                "Vencimiento",
                "20/12/2026",
                "Su referencia",
                "OC-77",
                "Cliente",
                "RFC: CPN010101AB1",
                "Clave",
                "Descripción",
                "Cant.",
                "Precio unit.",
                "Desc. %",
                "Importe",
                "Resumen de impuestos",
                "IVA16",
                "IVA0",
                "Subtotal",
                "$200.00",
                "$32.00",
                "$232.00",
                "Pagado",
                "Saldo a pagar",
                "$200.00",
                "Formas de pago aceptadas",
                "Pronto pago",
                "$196.00",
                "30/11/2026",
                "Referencia: 0000004253",
                LINK,
                "Comentarios",
                "Entregar en almacén 3.",
                "Página 1 de 1",
            ],
        ),
        (
            "en",
            [
                "INVOICE",
                "Invoice no. 100042",
                "Issue date",
                "11/20/2026",
                "Due date",
                "12/20/2026",
                "Your reference",
                "Tax ID: CPN010101AB1",
                "Tax summary",
                "Amount due",
                "Accepted payment methods",
                "Early payment",
                "11/30/2026",
                "Reference: 0000004253",
                "Page 1 of 1",
            ],
        ),
    ],
)
def test_one_page_invoice_shows_every_field(invoice_pdf, language, expected):
    text = pages_text(render(invoice_pdf, one_page_invoice(), language))[0]

    for field in expected:
        assert field in text, f"{field!r} missing in the {language} invoice"
    for seller_field in (
        "Distribuidora Ejemplo S.A. de C.V.",
        "DEJ010101AA1",
        "06000 Ciudad de México",
    ):
        assert seller_field in text
    assert "Comercializadora Peña del Norte — Ñandú & Cía" in text
    assert "Café de Córdoba, año 2026" in text and "C001" in text


def test_the_qr_on_paper_decodes_to_the_exact_payload(invoice_pdf, tmp_path):
    pdf = render(invoice_pdf, one_page_invoice(), "es")

    assert decode_qr(pdf, tmp_path) == [LINK]


def test_long_invoice_repeats_the_header_and_ends_with_the_totals(invoice_pdf):
    invoice = make_invoice(
        43,
        doc_num=100043,
        total="23200.00",
        net_total="20000.00",
        tax_total="3200.00",
        lines=tuple(
            make_line(
                n,
                description=f"Artículo {n} con una descripción larga que "
                "ocupa más de una línea en la tabla de conceptos de la factura",
            )
            for n in range(200)
        ),
    )

    pages = pages_text(render(invoice_pdf, invoice, "es"))

    pages_with_lines = [page for page in pages if "A00" in page]
    assert len(pages_with_lines) > 3
    assert all("Descripción" in page for page in pages_with_lines)  # header row repeated
    assert all(f"Página {n} de {len(pages)}" in page for n, page in enumerate(pages, 1))
    assert "Saldo a pagar" in pages[-1] and all("Saldo a pagar" not in p for p in pages[:-1])
    assert "Artículo 199" in pages_with_lines[-1] and "Artículo 0 " in pages[0]
    assert sum(page.count("A00") for page in pages) == 200


@pytest.mark.parametrize(
    ("overrides", "stamp"),
    [
        ({"paid_to_date": "232.00"}, "PAGADA"),
        ({"cancelled": True}, "CANCELADA"),
        ({"due_date": date(2026, 11, 1)}, "VENCIDA"),
        ({"due_date": date(2026, 12, 30)}, None),
    ],
)
def test_status_stamp(invoice_pdf, overrides, stamp):
    pdf = render(invoice_pdf, make_invoice(**overrides), "es", with_qr=True)
    text = pages_text(pdf)[0]

    for word in ("PAGADA", "CANCELADA", "VENCIDA"):
        assert (word in text) is (word == stamp)
    assert transparency(pdf) == []  # a spooler would turn a translucent page into an image


def test_same_input_gives_the_same_bytes(invoice_pdf):
    first = render(invoice_pdf, one_page_invoice(), "es")

    assert render(invoice_pdf, one_page_invoice(), "es") == first


def test_the_unicode_font_is_embedded_and_the_paper_size_applied(invoice_pdf):
    page = PdfReader(io.BytesIO(render(invoice_pdf, one_page_invoice(), "es"))).pages[0]

    fonts = {str(font["/BaseFont"]) for font in page["/Resources"]["/Font"].values()}
    assert any("DejaVuSans" in font for font in fonts)
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (612, 792)


def test_no_qr_or_discount_when_nothing_is_due(invoice_pdf):
    text = pages_text(
        render(invoice_pdf, make_invoice(paid_to_date="232.00"), "en", with_qr=False)
    )[0]

    assert "Early payment" not in text and "Pay online" not in text
    assert "Amount due $0.00" in text or "$0.00" in text
