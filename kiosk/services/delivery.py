"""Delivering invoices by e-mail and on paper: queues that survive restarts, outcomes that are true.

A delivery is "sent" only when the mail server accepted the message or the spooler the job.
Temporary failures (4xx, connection refused, printer stopped) wait and retry with backoff;
permanent ones (5xx recipient refused, unknown printer) fail with the reason, for staff to see.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal

from kiosk.domain.billing_preference import BillingChannel
from kiosk.domain.delivery import (
    DeliveredDocument,
    Delivery,
    DeliveryChannel,
    DeliveryReason,
    DeliveryState,
    EmailAttachment,
    OutgoingEmail,
    message_key,
)
from kiosk.domain.display_formats import format_date, format_money
from kiosk.domain.email_address import InvalidEmailAddress, normalize_email
from kiosk.domain.errors import InvalidValue, NotFound
from kiosk.domain.invoice import Invoice
from kiosk.domain.money import Money
from kiosk.domain.outbox import INVOICE_ACTIVITY, OutboxEntry
from kiosk.domain.reports import ReportPeriod
from kiosk.domain.tracking import EventKind
from kiosk.language.catalogue import Texts
from kiosk.services.dispute_email import dispute_email
from kiosk.services.errors import ExternalRejected, ExternalUnavailable
from kiosk.services.invoice_documents import InvoiceDocuments
from kiosk.services.invoice_email import invoice_email, invoice_xml_email, receipt_email
from kiosk.services.outbox import retry_delay
from kiosk.services.payments import PaymentService
from kiosk.services.ports.cache import InvoiceStore
from kiosk.services.ports.clock import Clock
from kiosk.services.ports.deliveries import DeliveryStore
from kiosk.services.ports.disputes import DisputeStore
from kiosk.services.ports.enrolment import EnrolmentCodeMail
from kiosk.services.ports.mail import Mailer
from kiosk.services.ports.printing import Printer
from kiosk.services.ports.sync import SyncCursor, SyncCursorStore
from kiosk.services.sending_claims import SENDING_GRACE, abandoned, this_process
from kiosk.services.statement_email import statement_email
from kiosk.services.statements import (
    StatementService,
    read_statement_reference,
    statement_reference,
)
from kiosk.services.tracking import NO_TRACKING, Tracking

logger = logging.getLogger(__name__)

AUTOMATIC_SINCE = "delivery"  # the sync cursor holding the day automatic delivery began


class NoEmailOnFile(InvalidValue):
    """The customer registered no billing e-mail address, and none was given."""


@dataclass(frozen=True)
class EmailDestination:
    """Where a customer's invoices are e-mailed; `from_sap` when it is the contact address SAP
    holds rather than a billing address the customer registered (so the kiosk asks first)."""

    address: str
    from_sap: bool


@dataclass(frozen=True)
class DeliveryOptions:
    language: str
    seller: str
    auto_printer: str | None  # print new invoices here; None: list them for the clerk
    without_preference: DeliveryChannel | None = DeliveryChannel.PAPER
    record_in_sap: bool = False
    use_sap_email: bool = False  # without a billing address, offer the e-mail SAP holds


@dataclass
class DeliveryReport:
    queued_emails: int = 0
    queued_prints: int = 0
    listed_for_clerk: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    problems: list[str] = field(default_factory=list)


class DeliveryService:
    """E-mail and print invoices on request, and deliver new ones by each customer's preference."""

    def __init__(
        self,
        store: DeliveryStore,
        invoices: InvoiceStore,
        documents: InvoiceDocuments,
        payments: PaymentService,
        mailer: Mailer,
        printer: Printer,
        cursors: SyncCursorStore,
        clock: Clock,
        options: DeliveryOptions,
        disputes: DisputeStore | None = None,
        *,
        tracking: Tracking = NO_TRACKING,
        statements: StatementService | None = None,
        enrolment_codes: EnrolmentCodeMail | None = None,
    ) -> None:
        self._enrolment_codes = enrolment_codes
        self._tracking = tracking
        self._statements = statements
        self._disputes = disputes
        self._store = store
        self._invoices = invoices
        self._documents = documents
        self._payments = payments
        self._mailer = mailer
        self._printer = printer
        self._cursors = cursors
        self._clock = clock
        self._options = options

    # --- on request --------------------------------------------------------------------------

    def email(self, invoice: Invoice, *, to: str | None, requested_by: str) -> Delivery:
        """E-mail an invoice now (by default to `email_destination` of its customer)."""
        address = to or self.email_destination(invoice.customer_code).address
        delivery = self._request(invoice, DeliveryChannel.EMAIL, address, requested_by)
        return self._asked(EventKind.INVOICE_EMAILED, delivery)

    def email_destination(self, customer_code: str) -> EmailDestination:
        """The billing address of the customer's preference, else (where the store allows it)
        the contact e-mail SAP holds, checked for form; NoEmailOnFile when there is neither."""
        preference = self._invoices.billing_preference(customer_code)
        if preference is not None and preference.email:
            return EmailDestination(preference.email, from_sap=False)
        customer = self._invoices.customer(customer_code) if self._options.use_sap_email else None
        if customer is not None and customer.email:
            try:
                return EmailDestination(normalize_email(customer.email), from_sap=True)
            except InvalidEmailAddress:
                logger.info("customer %s: SAP's e-mail is not one we can send to", customer_code)
        raise NoEmailOnFile(
            f"customer {customer_code} has no billing e-mail address: "
            "give one (--to) or register a preference"
        )

    def print(self, invoice: Invoice, *, printer: str | None, requested_by: str) -> Delivery:
        """Print an invoice now on a named printer, or the configured or default one."""
        destination = printer or self._options.auto_printer or ""
        delivery = self._request(invoice, DeliveryChannel.PAPER, destination, requested_by)
        return self._asked(EventKind.INVOICE_PRINTED, delivery)

    def email_xml(self, invoice: Invoice, *, to: str | None, requested_by: str) -> Delivery:
        """E-mail an invoice's stamped CFDI XML alone ("Enviar XML"); NotFound without one."""
        if self._documents.invoice_xml(invoice) is None:
            reading = self._documents.fiscal_reading(invoice)
            raise NotFound(
                reading.problem or f"invoice {invoice.doc_num} has no stamped XML (CFDI)"
            )
        address = to or self.email_destination(invoice.customer_code).address
        delivery = self._request(
            invoice, DeliveryChannel.EMAIL, address, requested_by, DeliveredDocument.CFDI_XML
        )
        return self._asked(EventKind.INVOICE_EMAILED, delivery)

    def send_receipt(
        self,
        invoice: Invoice,
        uuid: str,
        channel: DeliveryChannel,
        *,
        destination: str | None,
        requested_by: str,
    ) -> Delivery:
        """E-mail (PDF and XML) or print a stamped payment receipt of this invoice, by its
        folio fiscal; NotFound when the invoice has no such receipt."""
        if uuid.upper() not in {r.uuid.upper() for r in self._documents.payment_receipts(invoice)}:
            raise NotFound(f"invoice {invoice.doc_num} has no payment receipt {uuid}")
        if channel is DeliveryChannel.EMAIL:
            address = destination or self.email_destination(invoice.customer_code).address
        else:
            address = destination or self._options.auto_printer or ""
        return self._request(
            invoice, channel, address, requested_by, DeliveredDocument.PAYMENT_RECEIPT, uuid
        )

    def email_statement(
        self,
        customer_code: str,
        period: ReportPeriod,
        *,
        to: str | None,
        requested_by: str,
        language: str | None = None,
    ) -> Delivery:
        """E-mail a customer's statement of account (PDF, CSV beside it), by default to
        `email_destination`; a send that fails stays queued and is retried like any e-mail."""
        address = to or self.email_destination(customer_code).address
        delivery = self._request_statement(
            customer_code, period, DeliveryChannel.EMAIL, address, requested_by, language
        )
        return self._asked(EventKind.STATEMENT_EMAILED, delivery)

    def print_statement(
        self,
        customer_code: str,
        period: ReportPeriod,
        *,
        printer: str | None,
        requested_by: str,
        language: str | None = None,
    ) -> Delivery:
        """Print a customer's statement of account on a named, the configured or the default
        printer."""
        destination = printer or self._options.auto_printer or ""
        delivery = self._request_statement(
            customer_code, period, DeliveryChannel.PAPER, destination, requested_by, language
        )
        return self._asked(EventKind.STATEMENT_PRINTED, delivery)

    def print_slip(
        self, reference: str, *, language: str, printer: str | None, requested_by: str
    ) -> Delivery:
        """Print a payment request's slip now, logged like every print; tried once only, since
        a slip that comes out after the customer has gone helps nobody. A failure is raised
        after it is logged, for the kiosk to tell the customer at once."""
        request = self._payments.request(reference)
        first = request.invoices[0]
        now = self._clock.now()
        delivery = self._store.add_delivery(
            Delivery(
                id=None, doc_entry=first.doc_entry, doc_num=first.doc_num,
                customer_code=request.customer_code, channel=DeliveryChannel.PAPER,
                reason=DeliveryReason.REQUESTED, destination=printer or "",
                state=DeliveryState.QUEUED, requested_by=requested_by, created_at=now,
                next_attempt_at=now, document=DeliveredDocument.PAYMENT_SLIP,
                reference=request.reference,
            )
        )  # fmt: skip
        assert delivery is not None and delivery.id is not None
        done = self._attempt(delivery, language=language)
        if done.state is not DeliveryState.SENT:
            raise ExternalUnavailable(
                f"payment slip {reference} not printed: {done.last_error}",
                code=done.last_error_code,
            )
        return done

    def send_queued(self, delivery_id: int) -> Delivery:
        """Attempt one queued delivery at once, such as the enrolment code a customer waits
        for at the kiosk; a failure stays queued for retry like any other."""
        delivery = self._store.delivery(delivery_id)
        if delivery is None:
            raise NotFound(f"no delivery {delivery_id}")
        return self._attempt(delivery)

    def print_listed(self, delivery_ids: list[int], *, printer: str | None) -> DeliveryReport:
        """The clerk's batch print of the paper list."""
        self._store.requeue_listed(
            delivery_ids, printer or self._options.auto_printer or "", self._clock.now()
        )
        return self.send_due()

    # --- automatic delivery ------------------------------------------------------------------

    def deliver_new_invoices(self) -> DeliveryReport:
        """Queue each new invoice once per channel of its customer's preference, then send."""
        report = DeliveryReport()
        since = self._automatic_since()
        fresh = [i for i in self._invoices.invoices_issued_since(since) if not i.cancelled]
        done = self._store.automatically_delivered([invoice.doc_entry for invoice in fresh])
        for invoice in fresh:
            for channel, destination in self._channels_for(invoice):
                if (invoice.doc_entry, channel.value) in done:
                    continue
                delivery = self._new_delivery(
                    invoice, channel, destination, DeliveryReason.AUTOMATIC, "kiosk"
                )
                if self._store.add_delivery(delivery) is None:
                    continue
                if channel is DeliveryChannel.EMAIL:
                    report.queued_emails += 1
                elif delivery.state is DeliveryState.LISTED:
                    report.listed_for_clerk += 1
                else:
                    report.queued_prints += 1
        sent = self.send_due()
        report.sent, report.retrying, report.failed = sent.sent, sent.retrying, sent.failed
        report.problems = sent.problems
        return report

    def send_due(self) -> DeliveryReport:
        """Attempt every queued delivery whose time has come."""
        report = DeliveryReport()
        now = self._clock.now()
        for delivery in self._store.due_deliveries(now):
            if delivery.state is DeliveryState.SENDING and not _given_up(delivery, now):
                continue  # another process is sending it right now
            outcome = self._attempt(delivery)
            if outcome.state is DeliveryState.SENDING:
                continue  # claimed by another process between the query and the claim
            if outcome.state is DeliveryState.SENT:
                report.sent += 1
            elif outcome.state is DeliveryState.FAILED:
                report.failed += 1
                report.problems.append(f"invoice {outcome.doc_num}: {outcome.last_error}")
            else:
                report.retrying += 1
                report.problems.append(f"invoice {outcome.doc_num}: {outcome.last_error}")
        return report

    def log(
        self,
        *,
        state: DeliveryState | None = None,
        channel: DeliveryChannel | None = None,
        limit: int | None = None,
    ) -> list[Delivery]:
        """The delivery log, newest first."""
        return self._store.deliveries(state=state, channel=channel, limit=limit)

    # --- plumbing ----------------------------------------------------------------------------

    def _asked(self, kind: EventKind, delivery: Delivery) -> Delivery:
        """Record a print or e-mail someone asked for, with how its first attempt went."""
        self._tracking.record(
            kind, delivery.customer_code, channel=delivery.channel.value,
            outcome=delivery.state.value,
        )  # fmt: skip
        return delivery

    def _request(
        self,
        invoice: Invoice,
        channel: DeliveryChannel,
        destination: str,
        requested_by: str,
        document: DeliveredDocument = DeliveredDocument.INVOICE,
        reference: str | None = None,
    ) -> Delivery:
        delivery = replace(
            self._new_delivery(
                invoice, channel, destination, DeliveryReason.REQUESTED, requested_by
            ),
            document=document,
            reference=reference,
        )
        stored = self._store.add_delivery(delivery)
        assert stored is not None  # only automatic deliveries can collide
        return self._attempt(stored)

    def _request_statement(
        self,
        customer_code: str,
        period: ReportPeriod,
        channel: DeliveryChannel,
        destination: str,
        requested_by: str,
        language: str | None,
    ) -> Delivery:
        """A statement is logged without an invoice (doc_entry 0); its reference holds the
        period and language, so a retry makes the same statement from the cache as it is then."""
        if self._statements is None:
            raise NotFound("statements of account are not available on this kiosk")
        if self._invoices.customer(customer_code) is None:
            raise NotFound(f"no customer {customer_code!r} in the local cache")
        now = self._clock.now()
        stored = self._store.add_delivery(
            Delivery(
                id=None, doc_entry=0, doc_num=0, customer_code=customer_code, channel=channel,
                reason=DeliveryReason.REQUESTED, destination=destination,
                state=DeliveryState.QUEUED, requested_by=requested_by, created_at=now,
                next_attempt_at=now, document=DeliveredDocument.STATEMENT,
                reference=statement_reference(period, language or self._options.language),
            )
        )  # fmt: skip
        assert stored is not None  # only automatic deliveries can collide
        return self._attempt(stored)

    def _new_delivery(
        self,
        invoice: Invoice,
        channel: DeliveryChannel,
        destination: str,
        reason: DeliveryReason,
        requested_by: str,
    ) -> Delivery:
        now = self._clock.now()
        listed = (
            channel is DeliveryChannel.PAPER
            and reason is DeliveryReason.AUTOMATIC
            and not destination
        )
        return Delivery(
            id=None,
            doc_entry=invoice.doc_entry,
            doc_num=invoice.doc_num,
            customer_code=invoice.customer_code,
            channel=channel,
            reason=reason,
            destination=destination,
            state=DeliveryState.LISTED if listed else DeliveryState.QUEUED,
            requested_by=requested_by,
            created_at=now,
            next_attempt_at=None if listed else now,
        )

    def _attempt(self, delivery: Delivery, *, language: str | None = None) -> Delivery:
        assert delivery.id is not None
        language = language or self._options.language
        slip = delivery.document is DeliveredDocument.PAYMENT_SLIP
        now = self._clock.now()
        if not self._store.claim_delivery(delivery, now, this_process(), now + SENDING_GRACE):
            found = self._store.delivery(delivery.id)
            assert found is not None
            return found  # in another process's hands
        try:
            statement = delivery.document is DeliveredDocument.STATEMENT
            enrolment = delivery.document is DeliveredDocument.ENROLMENT_CODE
            invoice = None if statement or enrolment else self._invoice(delivery)
            if enrolment:
                receipt = self._send(delivery, self._enrolment_email(delivery))
            elif invoice is None:
                receipt = self._deliver_statement(delivery)
            elif slip:
                reference = delivery.reference or ""
                pdf = self._documents.slip_pdf(reference, language=language)
                title = Texts(language).format("slip_title", reference=reference)
                receipt = self._printer.print_pdf(
                    pdf, printer=delivery.destination or None, title=title
                )
            elif delivery.document is DeliveredDocument.PAYMENT_RECEIPT:
                receipt = self._send_receipt(delivery, invoice, language)
            elif delivery.document is DeliveredDocument.CFDI_XML:
                receipt = self._send(delivery, self._xml_email(invoice, delivery.destination))
            elif delivery.document is DeliveredDocument.DISPUTE:
                receipt = self._send(delivery, self._dispute_email(delivery))
            else:
                self._wait_for_stamped_xml(invoice)
                pdf = self._documents.invoice_pdf(invoice, language=language)
                if delivery.channel is DeliveryChannel.EMAIL:
                    receipt = self._send(delivery, self._email(invoice, delivery.destination, pdf))
                else:
                    title = f"{self._options.seller} {invoice.doc_num}"
                    receipt = self._printer.print_pdf(
                        pdf, printer=delivery.destination or None, title=title
                    )
        except NotFound as error:
            self._store.fail_delivery(delivery.id, "gone", str(error), self._clock.now())
        except ExternalRejected as error:
            self._store.fail_delivery(delivery.id, error.code, str(error), self._clock.now())
        except ExternalUnavailable as error:
            if slip:
                self._store.fail_delivery(delivery.id, error.code, str(error), self._clock.now())
            else:
                at = self._clock.now() + retry_delay(delivery.attempts + 1)
                self._store.retry_delivery(
                    delivery.id, at, error.code, str(error), self._clock.now()
                )
        else:
            self._store.finish_delivery(
                delivery.id, receipt, self._clock.now(), self._activity(delivery, invoice)
            )
            logger.info(
                "%s %s delivered by %s (%s)", delivery.document.value,
                delivery.reference or delivery.doc_num, delivery.channel.value, receipt,
            )  # fmt: skip
        found = self._store.delivery(delivery.id)
        assert found is not None
        self._track_attempt(found)
        return found

    def _track_attempt(self, delivery: Delivery) -> None:
        if delivery.state is DeliveryState.SENT:
            kind, outcome = EventKind.DELIVERY_SENT, ""
        else:
            kind = EventKind.DELIVERY_FAILED
            outcome = "failed" if delivery.state is DeliveryState.FAILED else "retrying"
        self._tracking.record(
            kind, delivery.customer_code, channel=delivery.channel.value, outcome=outcome
        )

    def _activity(self, delivery: Delivery, invoice: Invoice | None) -> OutboxEntry | None:
        """The SAP Activity that records a delivery, when settings ask for it."""
        if not self._options.record_in_sap or delivery.document is not DeliveredDocument.INVOICE:
            return None
        assert invoice is not None
        channel = "e-mail" if delivery.channel is DeliveryChannel.EMAIL else "paper"
        payload = {
            "doc_entry": invoice.doc_entry,
            "doc_num": invoice.doc_num,
            "details": f"Invoice {invoice.doc_num} sent by {channel} ({delivery.reason.value})",
            "notes": f"To {delivery.destination or 'default printer'}; by {delivery.requested_by}",
            "at": self._clock.now().isoformat(),
        }
        return OutboxEntry.new(INVOICE_ACTIVITY, invoice.customer_code, payload, self._clock.now())

    def _send(self, delivery: Delivery, email: OutgoingEmail) -> str:
        # One Message-ID per delivery: should a process die after the server took a message
        # and before the kiosk noted it, the repeat is the same message, which mail systems
        # recognise.
        return self._mailer.send(replace(email, message_key=message_key(delivery)))

    def _wait_for_stamped_xml(self, invoice: Invoice) -> None:
        """A stamped invoice goes out as its CFDI: while its XML is not downloaded, it waits."""
        reading = self._documents.fiscal_reading(invoice)
        if reading.pending:
            raise ExternalUnavailable(reading.problem or "stamped XML not downloaded", code="cfdi")

    def _send_receipt(self, delivery: Delivery, invoice: Invoice, language: str) -> str:
        uuid = delivery.reference or ""
        pdf = self._documents.receipt_pdf(uuid, language=language)
        if delivery.channel is DeliveryChannel.PAPER:
            title = f"{self._options.seller} {uuid}"
            return self._printer.print_pdf(pdf, printer=delivery.destination or None, title=title)
        xml = self._documents.receipt_xml(uuid)
        cfdi = self._documents.receipt(uuid)
        paid = sum((payment.amount for payment in cfdi.payments), Decimal(0))
        currency = cfdi.payments[0].currency if cfdi.payments else invoice.currency
        email = receipt_email(
            cfdi, to=delivery.destination, customer=invoice.customer_name, pdf=pdf,
            xml=EmailAttachment(xml.name, xml.content), seller=self._options.seller,
            language=self._options.language, amount=format_money(Money(paid, currency)),
        )  # fmt: skip
        return self._send(delivery, email)

    def _deliver_statement(self, delivery: Delivery) -> str:
        """Make the statement from the cache as it is now, then print it or e-mail it."""
        if self._statements is None:
            raise NotFound("statements of account are not available on this kiosk")
        period, language = read_statement_reference(delivery.reference)
        language = language or self._options.language
        statement = self._statements.statement(delivery.customer_code, period)
        files = self._statements.files(statement, language=language)
        if delivery.channel is DeliveryChannel.PAPER:
            title = f"{self._options.seller} {files.pdf_name}"
            return self._printer.print_pdf(
                files.pdf, printer=delivery.destination or None, title=title
            )
        email = statement_email(
            statement, files, to=delivery.destination, seller=self._options.seller,
            language=language,
        )  # fmt: skip
        return self._send(delivery, email)

    def _dispute_email(self, delivery: Delivery) -> OutgoingEmail:
        notice = None
        if self._disputes is not None and (delivery.reference or "").isdigit():
            notice = self._disputes.notice(int(delivery.reference or ""))
        if notice is None:
            raise NotFound(f"no dispute step {delivery.reference} to tell of")
        return dispute_email(
            notice.dispute, notice.event, to=delivery.destination, seller=self._options.seller,
            language=notice.dispute.language,
        )  # fmt: skip

    def _enrolment_email(self, delivery: Delivery) -> OutgoingEmail:
        if self._enrolment_codes is None:
            raise NotFound("e-billing codes are not sent from here")
        return self._enrolment_codes.code_email(delivery.reference or "", delivery.destination)

    def _xml_email(self, invoice: Invoice, to: str) -> OutgoingEmail:
        xml = self._documents.invoice_xml(invoice)
        if xml is None:
            self._wait_for_stamped_xml(invoice)
            raise NotFound(f"invoice {invoice.doc_num} has no usable stamped XML (CFDI)")
        return invoice_xml_email(
            invoice, to=to, xml=EmailAttachment(xml.name, xml.content),
            seller=self._options.seller, language=self._options.language,
        )  # fmt: skip

    def _email(self, invoice: Invoice, to: str, pdf: bytes) -> OutgoingEmail:
        link = None
        if invoice.amount_due.is_positive():
            link = self._payments.qr_code(self._payments.request_for([invoice])).payload
        xml = self._documents.invoice_xml(invoice)
        return invoice_email(
            invoice,
            to=to,
            pdf=pdf,
            xml=None if xml is None else EmailAttachment(xml.name, xml.content),
            seller=self._options.seller,
            language=self._options.language,
            amount_due=format_money(invoice.amount_due),
            due_date=format_date(invoice.due_date, self._options.language),
            payment_link=link,
        )

    def _invoice(self, delivery: Delivery) -> Invoice:
        for invoice in self._invoices.invoices_by_number(delivery.doc_num):
            if invoice.doc_entry == delivery.doc_entry:
                return invoice
        raise ExternalRejected(f"invoice {delivery.doc_num} is no longer in the cache", code="gone")

    def _channels_for(self, invoice: Invoice) -> list[tuple[DeliveryChannel, str]]:
        preference = self._invoices.billing_preference(invoice.customer_code)
        paper = (DeliveryChannel.PAPER, self._options.auto_printer or "")
        if preference is None:
            fallback = self._options.without_preference
            return [paper] if fallback is DeliveryChannel.PAPER else []
        email = (DeliveryChannel.EMAIL, preference.email or "")
        return {
            BillingChannel.PAPER: [paper],
            BillingChannel.EMAIL: [email],
            BillingChannel.BOTH: [email, paper],
        }[preference.channel]

    def _automatic_since(self) -> date:
        cursor = self._cursors.cursor(AUTOMATIC_SINCE)
        if cursor is None or cursor.watermark is None:
            # The first run starts from today: the backlog of old invoices is not mailed out.
            now = self._clock.now()
            self._cursors.save_cursor(
                SyncCursor(AUTOMATIC_SINCE, watermark=now, last_success_at=now)
            )
            return now.date()
        return cursor.watermark.date()


def _given_up(delivery: Delivery, now: datetime) -> bool:
    """A delivery left sending whose claim ran out, or whose claimer died on this machine."""
    due = delivery.next_attempt_at is None or delivery.next_attempt_at <= now
    return due or abandoned(delivery.claimed_by)
