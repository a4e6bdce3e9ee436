"""The payment slip: the invoices, the total, the reference, bank details and a QR that scans."""

from __future__ import annotations

import io
from datetime import datetime

from pypdf import PdfReader

from kiosk.domain.money import Money
from kiosk.domain.payment_request import PaymentRequest, RequestedInvoice
from kiosk.payments.qr_encoder import QrEncoder
from tests.integration.documents.conftest import decode_qr, pages_text, transparency

REQUEST = PaymentRequest(
    reference="0000000195",
    customer_code="C000001",
    customer_name="Abarrotes Maya S.A. de C.V.",
    invoices=(
        RequestedInvoice(7, 102557, "2026-10-06", Money.of("47914.44", "MXN")),
        RequestedInvoice(9, 102912, "2026-12-10", Money.of("31147.46", "MXN")),
    ),
    total=Money.of("79061.90", "MXN"),
    created_at=datetime(2026, 11, 28, 9, 30),
)
PAYLOAD = "https://pay.example.com/p/0000000195?amount=79061.90"


def test_slip_shows_what_a_bank_counter_needs(slip_pdf, tmp_path):
    pdf = slip_pdf.render(REQUEST, QrEncoder().encode(PAYLOAD), language="es")

    text = pages_text(pdf)[0]
    for field in ("FICHA DE PAGO", "Abarrotes Maya S.A. de C.V.", "C000001", "0000000195",
                  "Indique siempre esta referencia", "$79,061.90", "102557", "06/10/2026",
                  "$47,914.44", "102912", "$31,147.46", "BBVA México", "012180001234567897",
                  "Transfiera por SPEI"):  # fmt: skip
        assert field in text, f"{field!r} missing on the slip"
    assert decode_qr(pdf, tmp_path) == [PAYLOAD]
    assert transparency(pdf) == []
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)


def test_slip_in_english(slip_pdf):
    text = pages_text(slip_pdf.render(REQUEST, QrEncoder().encode(PAYLOAD), language="en"))[0]

    assert "PAYMENT SLIP" in text and "Always quote this reference" in text
    assert "10/06/2026" in text and "Page 1 of 1" in text
