"""What a customer can do with the invoices they chose (pay, print, e-mail, dispute) and with
their statement of account, all off-thread."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from PySide6.QtGui import QImage

from kiosk.domain.cfdi import Cfdi
from kiosk.domain.delivery import DeliveredDocument, Delivery, DeliveryChannel, DeliveryState
from kiosk.domain.dispute import Dispute, DisputeReason
from kiosk.domain.email_address import masked_email
from kiosk.domain.invoice import Invoice
from kiosk.domain.payment_request import PaymentRequest
from kiosk.domain.qr_code import QrCode
from kiosk.domain.statement import Statement
from kiosk.language.catalogue import Texts
from kiosk.services.delivery import DeliveryService, EmailDestination, NoEmailOnFile
from kiosk.services.disputes import DisputeService
from kiosk.services.enrolment import EnrolmentService
from kiosk.services.invoice_documents import InvoiceDocuments
from kiosk.services.payments import PaymentService
from kiosk.services.ports.disputes import DisputeNotice
from kiosk.services.statements import StatementService
from kiosk.ui.widgets.pdf_pages import render_pages

REQUESTED_BY = "kiosk"


@dataclass(frozen=True)
class InvoiceView:
    """What the invoice detail shows: the pages as it prints, its stamped CFDI (Mexico) when
    it has a usable one, the payment receipts that paid it, and where an e-mail would go."""

    invoice: Invoice
    pages: list[QImage]
    cfdi: Cfdi | None = None
    receipts: tuple[Cfdi, ...] = ()
    email: EmailDestination | None = None  # None: the customer has no e-mail on file
    disputes: tuple[Dispute, ...] = ()
    """The invoice's disputes, any state (those that hold an amount keep their part from
    being disputed again)."""


@dataclass(frozen=True)
class DisputeRequest:
    """What the customer chose on the dispute screen: one dispute per part, all with one reason.

    `parts` are (line number, amount): None for the whole invoice, else the 0-based line."""

    invoice: Invoice
    parts: tuple[tuple[int | None, Decimal], ...]
    reason: DisputeReason
    comment: str


@dataclass(frozen=True)
class DisputesOpened:
    """The disputes opened, the invoice as it is now (less due), and whether news go by e-mail.

    `problem` is why a part after the first could not be opened (the ones before it stand)."""

    disputes: tuple[Dispute, ...]
    invoice: Invoice
    by_email: bool
    problem: Exception | None = None


@dataclass(frozen=True)
class StatementView:
    """A customer's statement of account as the kiosk shows it, and where an e-mail would go."""

    statement: Statement
    email: EmailDestination | None = None  # None: the customer has no e-mail on file


@dataclass(frozen=True)
class CustomerActions:
    """The services behind the action buttons; every method runs on a worker thread."""

    payments: PaymentService
    delivery: DeliveryService
    documents: InvoiceDocuments
    printer_name: str  # "" for the system's default printer
    disputes: DisputeService | None = None
    """None: the kiosk offers no dispute ("No estoy de acuerdo")."""
    statements: StatementService | None = None
    """None: the kiosk offers no statement of account ("Estado de cuenta")."""
    enrolment: EnrolmentService | None = None
    """None: the kiosk offers no e-billing enrolment ("Recibir mis facturas por correo")."""

    def invoice_view(self, invoice: Invoice, language: str) -> InvoiceView:
        """The invoice as it prints (the list holds invoices without their lines), with what
        its CFDI adds; all read here, since reading a CFDI may download it from SAP."""
        complete = self.documents.opened(invoice)
        pages = render_pages(self.documents.invoice_pdf(complete, language=language))
        reading = self.documents.fiscal_reading(complete)
        cfdi = reading.cfdi if reading.xml is not None else None
        receipts = tuple(self.documents.payment_receipts(complete)) if complete.fiscal_uuid else ()
        try:
            email: EmailDestination | None = self.email_destination([complete])
        except NoEmailOnFile:
            email = None
        disputes = tuple(self.disputes.of_invoice(complete)) if self.disputes else ()
        return InvoiceView(complete, pages, cfdi, receipts, email, disputes)

    def pay(self, invoices: list[Invoice]) -> tuple[PaymentRequest, QrCode]:
        request = self.payments.asked_for(invoices)
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

    def email_xml(self, invoice: Invoice, *, to: str | None = None) -> list[Delivery]:
        """The invoice's stamped XML alone ("Enviar XML"), to the address on file."""
        return [self.delivery.email_xml(invoice, to=to, requested_by=REQUESTED_BY)]

    def send_receipt(
        self, invoice: Invoice, uuid: str, channel: DeliveryChannel, *, to: str | None = None
    ) -> list[Delivery]:
        """Print a payment receipt of the invoice, or e-mail it (PDF and XML)."""
        destination = to if channel is DeliveryChannel.EMAIL else None
        return [
            self.delivery.send_receipt(
                invoice, uuid, channel, destination=destination, requested_by=REQUESTED_BY
            )
        ]

    def statement_view(self, customer_code: str) -> StatementView:
        """The customer's statement of the last 90 days, and where it would be e-mailed."""
        assert self.statements is not None
        statement = self.statements.statement(customer_code, self.statements.period())
        try:
            email: EmailDestination | None = self.delivery.email_destination(customer_code)
        except NoEmailOnFile:
            email = None
        return StatementView(statement, email)

    def print_statement(self, statement: Statement, language: str) -> list[Delivery]:
        """On the kiosk's own printer (settings), as payment slips are."""
        return [
            self.delivery.print_statement(
                statement.customer_code, statement.period, printer=self.printer_name or None,
                requested_by=REQUESTED_BY, language=language,
            )
        ]  # fmt: skip

    def email_statement(
        self, statement: Statement, language: str, *, to: str | None = None
    ) -> list[Delivery]:
        """The statement's PDF and CSV, to the address on file (or the one the customer took)."""
        return [
            self.delivery.email_statement(
                statement.customer_code, statement.period, to=to, requested_by=REQUESTED_BY,
                language=language,
            )
        ]  # fmt: skip

    def open_disputes(self, request: DisputeRequest, language: str) -> DisputesOpened:
        """One dispute per part, its notices in the customer's screen `language`; then the
        notice e-mails leave at once (they were queued with each dispute), and the opening
        steps count as seen: the customer is told on the next screen."""
        assert self.disputes is not None
        opened: list[Dispute] = []
        problem: Exception | None = None
        for line_number, amount in request.parts:
            try:
                opened.append(
                    self.disputes.open(
                        request.invoice,
                        line_number=line_number,
                        reason=request.reason,
                        comment=request.comment,
                        amount=amount,
                        by=REQUESTED_BY,
                        language=language,
                    )
                )
            except Exception as error:
                if not opened:
                    raise
                problem = error  # the ones opened stand: say which, and why the rest did not
                break
        numbers = {dispute.id for dispute in opened}
        code = request.invoice.customer_code
        self.disputes.mark_seen(
            [n for n in self.disputes.unseen_notices(code) if n.dispute.id in numbers]
        )
        self.delivery.send_due()
        try:
            self.delivery.email_destination(code)
            by_email = True
        except NoEmailOnFile:
            by_email = False
        invoice = self.documents.with_lines(request.invoice)
        return DisputesOpened(tuple(opened), invoice, by_email, problem)

    def dispute_notices(self, customer_code: str) -> list[DisputeNotice]:
        """What changed in the customer's disputes since they last looked (none without them)."""
        return self.disputes.unseen_notices(customer_code) if self.disputes else []

    def mark_seen(self, notices: list[DisputeNotice]) -> None:
        if self.disputes is not None:
            self.disputes.mark_seen(notices)


class _OutcomeWords(NamedTuple):
    """The texts that tell how a delivery of one kind of document went."""

    emailed: str
    email_queued: str
    printed: str
    print_failed: str


_INVOICE_WORDS = _OutcomeWords("emailed", "email_queued", "printed", "print_failed")
_WORDS = {
    DeliveredDocument.CFDI_XML: _OutcomeWords(
        "cfdi_ui_xml_emailed", "cfdi_ui_xml_email_queued", "printed", "print_failed"
    ),
    DeliveredDocument.STATEMENT: _OutcomeWords(
        "statement_ui_emailed",
        "statement_ui_email_queued",
        "statement_ui_printed",
        "statement_ui_print_failed",
    ),
    DeliveredDocument.PAYMENT_RECEIPT: _OutcomeWords(
        "cfdi_ui_receipt_emailed",
        "cfdi_ui_receipt_email_queued",
        "cfdi_ui_receipt_printed",
        "cfdi_ui_receipt_print_failed",
    ),
}


def outcome_lines(deliveries: list[Delivery], texts: Texts) -> list[str]:
    """One sentence per document: printed or sent, or waiting and why (never a raw error)."""
    lines = []
    for delivery in deliveries:
        sent = delivery.state is DeliveryState.SENT
        words = _WORDS.get(delivery.document, _INVOICE_WORDS)
        if delivery.channel is DeliveryChannel.EMAIL:
            key = words.emailed if sent else words.email_queued
            address = masked_email(delivery.destination)
            lines.append(texts.format(key, number=delivery.doc_num, address=address))
        elif sent:
            printer = delivery.destination or texts["store_printer"]
            lines.append(texts.format(words.printed, number=delivery.doc_num, printer=printer))
        else:
            lines.append(texts.format(words.print_failed, number=delivery.doc_num))
    return lines
