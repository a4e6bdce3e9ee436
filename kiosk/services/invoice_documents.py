"""The documents a customer takes away: the invoice PDF with its QR codes (for a stamped
Mexican invoice, its CFDI's printed representation and XML), and payment slips."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.domain.cfdi import Cfdi
from kiosk.domain.errors import InvalidValue, NotFound
from kiosk.domain.invoice import Invoice
from kiosk.domain.kiosk_code import make_kiosk_code
from kiosk.domain.tracking import EventKind
from kiosk.services.fiscal_documents import NOT_STAMPED, FiscalDocuments, FiscalReading
from kiosk.services.payments import PaymentService
from kiosk.services.ports.cache import InvoiceStore
from kiosk.services.ports.clock import Clock
from kiosk.services.ports.documents import (
    CfdiInvoiceRenderer,
    CfdiPaymentRenderer,
    InvoiceRenderer,
    PaymentSlipRenderer,
)
from kiosk.services.ports.payments import QrEncoder
from kiosk.services.tracking import NO_TRACKING, Tracking


@dataclass(frozen=True, slots=True)
class CfdiRenderers:
    """The printed representations of stamped CFDIs, and where their XML comes from."""

    fiscal: FiscalDocuments
    invoice: CfdiInvoiceRenderer
    payment: CfdiPaymentRenderer


@dataclass(frozen=True, slots=True)
class XmlFile:
    """A stamped XML as it travels: <serie><folio>.xml and its bytes, unchanged."""

    name: str
    content: bytes


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
        cfdi: CfdiRenderers | None = None,
        *,
        tracking: Tracking = NO_TRACKING,
    ) -> None:
        self._tracking = tracking
        self._invoices = invoices
        self._payments = payments
        self._invoice_renderer = invoice_renderer
        self._slip_renderer = slip_renderer
        self._qr_encoder = qr_encoder
        self._clock = clock
        self._cfdi = cfdi

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

    def opened(self, invoice: Invoice) -> Invoice:
        """The invoice with its lines, for its detail a customer or clerk opened: counted as
        viewed in the usage report."""
        complete = self.with_lines(invoice)
        self._tracking.record(EventKind.INVOICE_VIEWED, complete.customer_code)
        return complete

    def fiscal_reading(self, invoice: Invoice, *, fetch: bool = True) -> FiscalReading:
        """The invoice's stamped CFDI (Mexico), or why there is none to use; `fetch` lets it
        download an XML the cache does not hold yet."""
        if self._cfdi is None:
            return NOT_STAMPED
        return self._cfdi.fiscal.reading(invoice, fetch=fetch)

    def invoice_pdf(self, invoice: Invoice, *, language: str) -> bytes:
        """The invoice's PDF in the customer's document language: the printed representation
        of its CFDI where it has one (the XML is the legal truth), else the generic invoice."""
        qr = reference = None
        if invoice.amount_due.is_positive():
            request = self._payments.request_for([invoice])
            qr, reference = self._payments.qr_code(request), request.reference
        customer = self._invoices.customer(invoice.customer_code)
        today = self._clock.today()
        kiosk_qr = self._qr_encoder.encode(make_kiosk_code(invoice.doc_num, invoice.customer_code))
        reading = self.fiscal_reading(invoice)
        if self._cfdi is not None and reading.cfdi is not None:
            return self._cfdi.invoice.render(
                invoice, reading.cfdi, customer, language=language, today=today,
                sat_qr=self._qr_encoder.encode(reading.cfdi.sat_verification_url()),
                qr=qr, payment_reference=reference, kiosk_qr=kiosk_qr,
                complements=tuple(self._cfdi.fiscal.payment_receipts(invoice)),
            )  # fmt: skip
        return self._invoice_renderer.render(
            invoice, customer, language=language, today=today, qr=qr,
            payment_reference=reference, kiosk_qr=kiosk_qr,
        )  # fmt: skip

    def invoice_xml(self, invoice: Invoice) -> XmlFile | None:
        """The stamped XML of an invoice, as SAP holds it; None without a usable one."""
        reading = self.fiscal_reading(invoice)
        if reading.cfdi is None or reading.xml is None:
            return None
        return XmlFile(reading.cfdi.file_name, reading.xml)

    def payment_receipts(self, invoice: Invoice) -> list[Cfdi]:
        """The stamped payment receipts (complemento de pagos) of a PPD invoice."""
        return [] if self._cfdi is None else self._cfdi.fiscal.payment_receipts(invoice)

    def receipt_pdf(self, uuid: str, *, language: str) -> bytes:
        """The printed representation of a stamped payment receipt."""
        renderers = self._renderers()
        cfdi, _xml = self._receipt(renderers, uuid)
        sat_qr = self._qr_encoder.encode(cfdi.sat_verification_url())
        return renderers.payment.render(cfdi, language=language, sat_qr=sat_qr)

    def receipt_xml(self, uuid: str) -> XmlFile:
        """The stamped XML of a payment receipt, as SAP holds it."""
        cfdi, xml = self._receipt(self._renderers(), uuid)
        return XmlFile(cfdi.file_name, xml)

    def receipt(self, uuid: str) -> Cfdi:
        """A stamped payment receipt by its folio fiscal; NotFound when it cannot be used."""
        return self._receipt(self._renderers(), uuid)[0]

    def _renderers(self) -> CfdiRenderers:
        if self._cfdi is None:
            raise NotFound("stamped CFDIs are turned off (cfdi.enabled)")
        return self._cfdi

    def _receipt(self, renderers: CfdiRenderers, uuid: str) -> tuple[Cfdi, bytes]:
        reading = renderers.fiscal.receipt(uuid)
        if reading.cfdi is None or reading.xml is None:
            raise NotFound(reading.problem or f"no payment receipt {uuid}")
        return reading.cfdi, reading.xml

    def slip_pdf(self, reference: str, *, language: str) -> bytes:
        """The payment slip of a request, for paying at a bank or by transfer."""
        request = self._payments.request(reference)
        return self._slip_renderer.render(
            request, self._payments.qr_code(request), language=language
        )
