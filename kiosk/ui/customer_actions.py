"""What a customer can do with the invoices they chose: pay, print, e-mail (off the GUI thread)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QImage

from kiosk.domain.delivery import Delivery, DeliveryChannel, DeliveryState
from kiosk.domain.email_address import masked_email
from kiosk.domain.invoice import Invoice
from kiosk.domain.payment_request import PaymentRequest
from kiosk.domain.qr_code import QrCode
from kiosk.language.catalogue import Texts
from kiosk.services.delivery import DeliveryService, EmailDestination
from kiosk.services.invoice_documents import InvoiceDocuments
from kiosk.services.payments import PaymentService
from kiosk.ui.widgets.pdf_pages import render_pages

REQUESTED_BY = "kiosk"


@dataclass(frozen=True)
class CustomerActions:
    """The services behind the action buttons; every method runs on a worker thread."""

    payments: PaymentService
    delivery: DeliveryService
    documents: InvoiceDocuments
    printer_name: str  # "" for the system's default printer

    def invoice_pages(self, invoice: Invoice, language: str) -> list[QImage]:
        """The invoice's pages as it prints (the list holds invoices without their lines)."""
        complete = self.documents.with_lines(invoice)
        return render_pages(self.documents.invoice_pdf(complete, language=language))

    def pay(self, invoices: list[Invoice]) -> tuple[PaymentRequest, QrCode]:
        request = self.payments.request_for(invoices)
        return request, self.payments.qr_code(request)

    def print_slip(self, reference: str, language: str) -> str:
        """Print the payment slip of a request; return the printer's name as people know it."""
        self.delivery.print_slip(
            reference, language=language, printer=self.printer_name or None,
            requested_by=REQUESTED_BY,
        )  # fmt: skip
        return self.printer_name

    def print(self, invoices: list[Invoice]) -> list[Delivery]:
        return [self.delivery.print(i, printer=None, requested_by=REQUESTED_BY) for i in invoices]

    def email_destination(self, invoices: list[Invoice]) -> EmailDestination:
        """Where the invoices would go; NoEmailOnFile when the kiosk has nowhere to send them."""
        return self.delivery.email_destination(invoices[0].customer_code)

    def email(self, invoices: list[Invoice], *, to: str | None = None) -> list[Delivery]:
        return [self.delivery.email(i, to=to, requested_by=REQUESTED_BY) for i in invoices]


def outcome_lines(deliveries: list[Delivery], texts: Texts) -> list[str]:
    """One sentence per invoice: printed or sent, or waiting and why (never a raw error)."""
    lines = []
    for delivery in deliveries:
        sent = delivery.state is DeliveryState.SENT
        if delivery.channel is DeliveryChannel.EMAIL:
            key = "emailed" if sent else "email_queued"
            address = masked_email(delivery.destination)
            lines.append(texts.format(key, number=delivery.doc_num, address=address))
        elif sent:
            printer = delivery.destination or texts["store_printer"]
            lines.append(texts.format("printed", number=delivery.doc_num, printer=printer))
        else:
            lines.append(texts.format("print_failed", number=delivery.doc_num))
    return lines
