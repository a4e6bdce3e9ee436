"""The PDFs the kiosk makes: invoices and payment slips."""

from __future__ import annotations

from datetime import date
from typing import Protocol

from kiosk.domain.customer import Customer
from kiosk.domain.invoice import Invoice
from kiosk.domain.payment_request import PaymentRequest
from kiosk.domain.qr_code import QrCode


class InvoiceRenderer(Protocol):
    """Makes an invoice's PDF."""

    def render(
        self,
        invoice: Invoice,
        customer: Customer | None,
        *,
        language: str,
        today: date,
        qr: QrCode | None = None,
        payment_reference: str | None = None,
        kiosk_qr: QrCode | None = None,
    ) -> bytes: ...


class PaymentSlipRenderer(Protocol):
    """Makes a payment slip's PDF."""

    def render(self, request: PaymentRequest, qr: QrCode, *, language: str) -> bytes: ...
