"""Payment requests kept locally, and the QR codes that pay them."""

from __future__ import annotations

from typing import Protocol

from kiosk.domain.payment_request import PaymentRequest
from kiosk.domain.qr_code import QrCode


class PaymentQrBuilder(Protocol):
    """Turns a payment request into the text a payment QR carries (one standard each)."""

    def payload(self, request: PaymentRequest) -> str: ...


class QrEncoder(Protocol):
    """Encodes a payload as a QR symbol."""

    def encode(self, payload: str) -> QrCode: ...


class PaymentRequestStore(Protocol):
    """Payment requests kept locally, so they survive restarts and sync can settle them."""

    def add_payment_request(self, request: PaymentRequest) -> PaymentRequest: ...

    def next_request_number(self, kiosk_number: int) -> int:
        """The next sequence for this kiosk: above its own requests and its reference mark."""
        ...

    def reference_mark(self, kiosk_number: int) -> int | None:
        """The highest sequence of this kiosk seen quoted in SAP; None until SAP was asked."""
        ...

    def raise_reference_mark(self, kiosk_number: int, sequence: int) -> None:
        """Remember that SAP has seen this kiosk's sequence (the mark never goes down)."""
        ...

    def payment_request(self, reference: str) -> PaymentRequest | None: ...

    def open_requests(self, customer_code: str, doc_entry: int) -> list[PaymentRequest]:
        """A customer's open requests that include this invoice."""
        ...

    def settle_payment_request(self, reference: str, payment_doc_entry: int) -> bool: ...
