"""The documents a customer takes away: the invoice PDF with its QR codes, and payment slips."""

from __future__ import annotations

from kiosk.domain.errors import InvalidValue, NotFound
from kiosk.domain.invoice import Invoice
from kiosk.domain.kiosk_code import make_kiosk_code
from kiosk.services.payments import PaymentService
from kiosk.services.ports.cache import InvoiceStore
from kiosk.services.ports.clock import Clock
from kiosk.services.ports.documents import InvoiceRenderer, PaymentSlipRenderer
from kiosk.services.ports.payments import QrEncoder


class InvoiceDocuments:
    """Renders PDFs from the cache: every invoice carries its kiosk code, and a payment QR while
    something is left to pay."""

    def __init__(
        self,
        invoices: InvoiceStore,
        payments: PaymentService,
        invoice_renderer: InvoiceRenderer,
        slip_renderer: PaymentSlipRenderer,
        qr_encoder: QrEncoder,
        clock: Clock,
    ) -> None:
        self._invoices = invoices
        self._payments = payments
        self._invoice_renderer = invoice_renderer
        self._slip_renderer = slip_renderer
        self._qr_encoder = qr_encoder
        self._clock = clock

    def invoice_by_number(self, doc_num: int) -> Invoice:
        """The one invoice with this number; several series sharing it must be told apart."""
        found = self._invoices.invoices_by_number(doc_num)
        if not found:
            raise NotFound(f"no invoice with number {doc_num} in the local cache")
        if len(found) > 1:
            raise InvalidValue(f"{len(found)} invoices have number {doc_num} (different series)")
        return found[0]

    def with_lines(self, invoice: Invoice) -> Invoice:
        """The same invoice as the cache holds it now, with its lines (lists carry none)."""
        for cached in self._invoices.invoices_by_number(invoice.doc_num):
            if cached.doc_entry == invoice.doc_entry:
                return cached
        raise NotFound(f"invoice {invoice.doc_num} is no longer in the local cache")

    def invoice_pdf(self, invoice: Invoice, *, language: str) -> bytes:
        """The invoice's PDF in the customer's document language."""
        qr = reference = None
        if invoice.amount_due.is_positive():
            request = self._payments.request_for([invoice])
            qr, reference = self._payments.qr_code(request), request.reference
        return self._invoice_renderer.render(
            invoice,
            self._invoices.customer(invoice.customer_code),
            language=language,
            today=self._clock.today(),
            qr=qr,
            payment_reference=reference,
            kiosk_qr=self._qr_encoder.encode(
                make_kiosk_code(invoice.doc_num, invoice.customer_code)
            ),
        )

    def slip_pdf(self, reference: str, *, language: str) -> bytes:
        """The payment slip of a request, for paying at a bank or by transfer."""
        request = self._payments.request(reference)
        return self._slip_renderer.render(
            request, self._payments.qr_code(request), language=language
        )
