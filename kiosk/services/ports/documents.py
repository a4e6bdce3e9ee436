"""The PDFs the kiosk makes: invoices, stamped CFDIs (Mexico) and payment slips."""

from __future__ import annotations

from datetime import date
from typing import Protocol

from kiosk.domain.cfdi import Cfdi
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


class CfdiInvoiceRenderer(Protocol):
    """Makes the printed representation of a stamped CFDI invoice (representación impresa)."""

    def render(
        self,
        invoice: Invoice,
        cfdi: Cfdi,
        customer: Customer | None,
        *,
        language: str,
        today: date,
        sat_qr: QrCode,
        qr: QrCode | None = None,
        payment_reference: str | None = None,
        kiosk_qr: QrCode | None = None,
        complements: tuple[Cfdi, ...] = (),
    ) -> bytes: ...


class CfdiPaymentRenderer(Protocol):
    """Makes the printed representation of a stamped payment receipt (CFDI de pago)."""

    def render(self, cfdi: Cfdi, *, language: str, sat_qr: QrCode) -> bytes: ...


class PaymentSlipRenderer(Protocol):
    """Makes a payment slip's PDF."""

    def render(self, request: PaymentRequest, qr: QrCode, *, language: str) -> bytes: ...
