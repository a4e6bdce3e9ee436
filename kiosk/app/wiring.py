"""Building the kiosk's ready-to-use services from its settings."""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from kiosk.app.settings import (
    BouncesSettings,
    CompanySettings,
    DatabaseSettings,
    PaymentsSettings,
    Settings,
    SmtpSettings,
    SyncSettings,
    default_database_url,
)
from kiosk.bundled_files import migrations_path, resource_path
from kiosk.cfdi.rfc import check_rfc
from kiosk.cfdi.xml_reader import read_cfdi
from kiosk.delivery.bounce_mailbox import ImapBounceMailbox, ImapConfig
from kiosk.delivery.cups_printer import CupsPrinter
from kiosk.delivery.dkim_signer import DkimSigner
from kiosk.delivery.smtp_mailer import SmtpConfig, SmtpMailer, sender_domain, unsubscribe_uris
from kiosk.documents.cfdi_invoice_pdf import CfdiInvoicePdf
from kiosk.documents.cfdi_payment_pdf import CfdiPaymentPdf
from kiosk.documents.invoice_pdf import InvoicePdf
from kiosk.documents.payment_slip_pdf import PaymentSlipPdf
from kiosk.documents.statement_csv import StatementCsv
from kiosk.documents.statement_pdf import StatementPdf
from kiosk.domain.delivery import DeliveryChannel, OutgoingEmail
from kiosk.domain.payment_terms import PaymentTerms
from kiosk.domain.seller import BankDetails, Seller
from kiosk.payments.emvco import EmvcoBuilder, EmvcoMerchant
from kiosk.payments.epc import EpcBeneficiary, EpcBuilder
from kiosk.payments.qr_encoder import QrEncoder
from kiosk.payments.url_template import UrlTemplateBuilder
from kiosk.sap_b1.client import ServiceLayerClient
from kiosk.sap_b1.config import ServiceLayerConfig
from kiosk.services.bounces import BounceOptions, BounceService
from kiosk.services.branch_work import BranchWork
from kiosk.services.customer_identification import CustomerIdentification
from kiosk.services.delivery import DeliveryOptions, DeliveryService, NoEmailOnFile
from kiosk.services.disputes import DisputeService
from kiosk.services.enrolment import EnrolmentService, EnrolmentTerms, PendingCodes
from kiosk.services.errors import ExternalRejected, ExternalUnavailable
from kiosk.services.fiscal_documents import FiscalDocuments
from kiosk.services.invoice_documents import CfdiRenderers, InvoiceDocuments
from kiosk.services.invoice_lookup import InvoiceLookup
from kiosk.services.outbox import OutboxAdministration
from kiosk.services.payments import PaymentService
from kiosk.services.ports.clock import Clock
from kiosk.services.ports.lease import SyncLease
from kiosk.services.ports.mail import Mailer
from kiosk.services.ports.payments import PaymentQrBuilder
from kiosk.services.ports.printing import Printer
from kiosk.services.preferences import PreferenceService
from kiosk.services.reports import Reports
from kiosk.services.staff_accounts import StaffAccounts
from kiosk.services.statements import StatementService
from kiosk.services.sync import SyncService
from kiosk.services.sync_schedule import SyncSchedule
from kiosk.services.sync_status import SyncStatusReader
from kiosk.services.system_clock import SystemClock
from kiosk.services.tracking import Tracking, TrackingRetention
from kiosk.storage.bounce_store import SqlBounceStore
from kiosk.storage.cache_sync_store import SqlCacheSyncStore
from kiosk.storage.database import Engine, create_database_engine
from kiosk.storage.delivery_store import SqlDeliveryStore
from kiosk.storage.dispute_store import SqlDisputeStore
from kiosk.storage.enrolment_store import SqlEnrolmentStore
from kiosk.storage.fiscal_document_store import SqlFiscalDocumentStore
from kiosk.storage.invoice_store import SqlInvoiceStore
from kiosk.storage.ledger_store import SqlLedgerStore
from kiosk.storage.outbox_store import SqlOutboxStore
from kiosk.storage.payment_request_store import SqlPaymentRequestStore
from kiosk.storage.preference_store import SqlPreferenceStore
from kiosk.storage.report_store import SqlReportSource
from kiosk.storage.schema_migration import ensure_schema
from kiosk.storage.staff_store import SqlStaffStore
from kiosk.storage.sync_cursor_store import SqlSyncCursorStore
from kiosk.storage.sync_lease import sync_lease
from kiosk.storage.tracking_store import SqlTrackingStore


@dataclass(frozen=True)
class Storage:
    """The stores of the one database the use cases are built on; tests and benchmarks look
    into them, commands and screens never do."""

    invoices: SqlInvoiceStore
    cache: SqlCacheSyncStore
    outbox: SqlOutboxStore
    cursors: SqlSyncCursorStore
    preferences: SqlPreferenceStore
    payment_requests: SqlPaymentRequestStore
    deliveries: SqlDeliveryStore
    fiscal: SqlFiscalDocumentStore
    disputes: SqlDisputeStore
    tracking: SqlTrackingStore
    ledger: SqlLedgerStore
    enrolment: SqlEnrolmentStore
    bounces: SqlBounceStore
    lease: SyncLease

    @property
    def engine(self) -> Engine:
        return self.invoices.engine


@dataclass(frozen=True)
class Services:
    """The use cases commands and screens work with, each built once over one database."""

    clock: Clock
    lookup: InvoiceLookup
    identification: CustomerIdentification
    preferences: PreferenceService
    outbox: OutboxAdministration
    payments: PaymentService
    documents: InvoiceDocuments
    delivery: DeliveryService
    disputes: DisputeService
    enrolment: EnrolmentService
    statements: StatementService
    staff: StaffAccounts
    sync: SyncService
    sync_status: SyncStatusReader
    branch: BranchWork
    tracking: Tracking
    tracking_retention: TrackingRetention
    reports: Reports
    bounces: BounceService
    storage: Storage
    sap: ServiceLayerClient

    def close(self) -> None:
        """Log out of SAP and let go of the database."""
        _built[:] = [built for built in _built if built is not self]
        self.sap.close()
        self.storage.engine.dispose()


def database_engine(database: DatabaseSettings) -> Engine:
    """An engine for the configured database, not yet migrated."""
    return create_database_engine(
        database.url,
        busy_timeout_ms=database.busy_timeout_ms,
        make_folder=database.url == default_database_url(),
    )


def open_store(database: DatabaseSettings) -> SqlInvoiceStore:
    """Open the local cache, applying pending migrations first."""
    engine = database_engine(database)
    ensure_schema(engine, migrations_path())
    return SqlInvoiceStore(engine)


def sap_client(settings: Settings) -> ServiceLayerClient:
    """A Service Layer client for the configured company (not logged in yet)."""
    sap, cfdi = settings.sap, settings.cfdi
    return ServiceLayerClient(
        ServiceLayerConfig(
            base_url=sap.base_url,
            company_db=sap.company_db,
            username=sap.username,
            password=sap.password.get_secret_value(),
            verify=sap.verify,
            page_size=sap.page_size,
            max_parallel_requests=sap.max_parallel_requests,
            connect_timeout_seconds=sap.connect_timeout_seconds,
            read_timeout_seconds=sap.read_timeout_seconds,
            billing_channel_field=sap.billing_channel_field,
            billing_email_field=sap.billing_email_field,
            kiosk_reference_field=sap.kiosk_reference_field,
            fiscal_uuid_field=cfdi.uuid_field if cfdi.enabled else None,
            fiscal_attachment_field=cfdi.attachment_field,
            payment_uuid_field=cfdi.payment_uuid_field,
        )
    )


_built: list[Services] = []
"""Every Services built in this process and not closed yet: a command closes them at its end."""


def close_built_services() -> None:
    """Log out of SAP and close the database connections of everything built so far: a
    command ends here, and on PostgreSQL its connections must not wait for the process to."""
    while _built:
        _built[-1].close()


def build_services(settings: Settings) -> Services:
    """Wire storage, SAP, documents, mail and printing into the use cases, once."""
    invoices = open_store(settings.database)
    engine, clock = invoices.engine, SystemClock()
    preferences = SqlPreferenceStore(engine)
    storage = Storage(
        invoices=invoices,
        cache=SqlCacheSyncStore(engine),
        outbox=SqlOutboxStore(engine),
        cursors=SqlSyncCursorStore(engine),
        preferences=preferences,
        payment_requests=SqlPaymentRequestStore(engine),
        deliveries=SqlDeliveryStore(engine),
        fiscal=SqlFiscalDocumentStore(engine),
        disputes=SqlDisputeStore(engine),
        tracking=SqlTrackingStore(engine, kiosk_number=settings.payments.kiosk_number),
        ledger=SqlLedgerStore(engine),
        enrolment=SqlEnrolmentStore(engine, preferences),
        bounces=SqlBounceStore(engine, SqlDeliveryStore(engine), preferences),
        lease=sync_lease(engine, lease_holder_name(settings), clock),
    )
    tracking = Tracking(storage.tracking, clock)
    qr_encoder = QrEncoder(settings.payments.error_correction)
    payments = PaymentService(
        invoices, storage.payment_requests, qr_builder(settings.payments, settings.company),
        qr_encoder, clock, kiosk_number=settings.payments.kiosk_number, tracking=tracking,
    )  # fmt: skip
    company, pay = settings.company, settings.payments
    seller = Seller(
        name=company.name, tax_id=company.tax_id, address=company.address, phone=company.phone,
        email=company.email, logo=company.logo,
    )  # fmt: skip
    terms = PaymentTerms(
        company.payment_methods, pay.early_payment_discount_percent, pay.early_payment_discount_days
    )
    bank = BankDetails(
        pay.bank_name, pay.account_holder, pay.clabe, pay.iban, pay.bic, pay.how_to_pay
    )
    paper, fonts = settings.printing.paper_size, resource_path("fonts")
    gateway = sap_client(settings)
    fiscal = _fiscal_documents(settings, storage, gateway, clock)
    cfdi = None
    if fiscal is not None:
        cfdi = CfdiRenderers(
            fiscal,
            CfdiInvoicePdf(seller, terms, paper=paper, fonts=fonts),
            CfdiPaymentPdf(seller, paper=paper, fonts=fonts),
        )
    documents = InvoiceDocuments(
        invoices, payments,
        InvoicePdf(seller, terms, paper=paper, fonts=fonts),
        PaymentSlipPdf(seller, bank, paper=paper, fonts=fonts),
        qr_encoder, clock, cfdi=cfdi, tracking=tracking,
    )  # fmt: skip
    # Without SAP there is no first download to wait for: the cache is all there is.
    download = storage.cursors if settings.sap.is_configured else None
    statements = StatementService(
        invoices, storage.ledger, storage.disputes, clock,
        StatementPdf(seller, paper=paper, fonts=fonts), StatementCsv(),
    )  # fmt: skip
    ebilling = settings.ebilling
    codes = PendingCodes(
        clock, seller=company.name, minutes=ebilling.code_minutes,
        link=ebilling.confirmation_url or None,
    )  # fmt: skip
    delivery = _delivery_service(
        settings, storage, documents, payments, clock, statements, enrolment_codes=codes
    )
    disputes = DisputeService(
        storage.disputes, invoices, storage.cursors, clock, _email_on_file(delivery),
        storage.ledger, settings.sap.dispute_flag_field, settings.kiosk.language,
    )  # fmt: skip
    sync = _sync_service(settings, storage, gateway, clock, fiscal, disputes)
    retention = TrackingRetention(storage.tracking, clock, keep_days=settings.tracking.keep_days)
    bounces = _bounce_service(settings, storage, clock, tracking)
    services = Services(
        clock=clock,
        lookup=InvoiceLookup(invoices),
        identification=CustomerIdentification(
            invoices, clock, download, check_rfc, tracking=tracking
        ),
        preferences=PreferenceService(
            invoices,
            storage.preferences,
            clock,
            branch=settings.kiosk.branch,
            tracking=tracking,
            consent_version=ebilling.consent_version,
        ),
        outbox=OutboxAdministration(storage.outbox, clock),
        payments=payments,
        documents=documents,
        delivery=delivery,
        disputes=disputes,
        enrolment=EnrolmentService(
            storage.enrolment,
            invoices,
            delivery,
            codes,
            clock,
            enrolment_terms(settings),
            tracking=tracking,
        ),
        statements=statements,
        staff=StaffAccounts(SqlStaffStore(engine), clock),
        sync=sync,
        sync_status=SyncStatusReader(storage.cursors, storage.outbox, storage.lease),
        branch=BranchWork(storage.lease, sync, delivery, bounces, retention, clock),
        tracking=tracking,
        tracking_retention=retention,
        reports=Reports(SqlReportSource(engine), storage.cursors),
        bounces=bounces,
        storage=storage,
        sap=gateway,
    )
    _built.append(services)
    return services


def sync_schedule(timing: SyncSettings) -> SyncSchedule:
    """When background passes run, for the window's timer and `kiosk serve-sync` alike."""
    return SyncSchedule(
        interval=timedelta(seconds=timing.interval_seconds),
        after_change=timedelta(seconds=timing.after_change_seconds),
        retry_min=timedelta(seconds=timing.retry_min_seconds),
        retry_max=timedelta(seconds=timing.retry_max_seconds),
    )


def lease_holder_name(settings: Settings) -> str:
    """How the other clients of the branch name this one: branch, kiosk number, machine, pid."""
    kiosk = f"{settings.kiosk.branch} #{settings.payments.kiosk_number}"
    return f"{kiosk} ({socket.gethostname()}, pid {os.getpid()})"[:120]


def _delivery_service(
    settings: Settings,
    storage: Storage,
    documents: InvoiceDocuments,
    payments: PaymentService,
    clock: Clock,
    statements: StatementService | None = None,
    *,
    enrolment_codes: PendingCodes | None = None,
) -> DeliveryService:
    """E-mail and printing over the configured SMTP server and the system spooler."""
    smtp = settings.smtp
    mailer: Mailer = smtp_mailer(smtp, settings.company.email) if smtp.host else _NoMailServer()
    printing = settings.printing
    options = DeliveryOptions(
        language=settings.kiosk.language,
        seller=settings.company.name,
        auto_printer=printing.printer if printing.auto_print and printing.printer else None,
        without_preference=(
            DeliveryChannel.PAPER if settings.delivery.without_preference == "paper" else None
        ),
        record_in_sap=settings.delivery.record_in_sap,
        use_sap_email=settings.delivery.use_sap_email,
    )
    return DeliveryService(
        storage.deliveries, storage.invoices, documents, payments, mailer,
        system_printer(settings.printing.backend), storage.cursors, clock, options,
        storage.disputes, tracking=Tracking(storage.tracking, clock), statements=statements,
        enrolment_codes=enrolment_codes,
    )  # fmt: skip


def enrolment_terms(settings: Settings) -> EnrolmentTerms:
    """What the store set for e-billing enrolment at the kiosk ([ebilling])."""
    ebilling = settings.ebilling
    return EnrolmentTerms(
        consent_version=ebilling.consent_version, consent_texts=ebilling.consent_texts(),
        branch=settings.kiosk.branch, seller=settings.company.name,
        language=settings.kiosk.language, incentive_percent=ebilling.incentive_percent,
        incentive_texts=ebilling.incentive_texts(), incentive_field=ebilling.incentive_field,
        incentive_date_field=ebilling.incentive_date_field, code_minutes=ebilling.code_minutes,
        max_attempts=ebilling.max_attempts, confirmation_url=ebilling.confirmation_url or None,
    )  # fmt: skip


def _email_on_file(delivery: DeliveryService) -> Callable[[str], str | None]:
    """Where a customer's dispute notices go: their billing e-mail, if they have one."""

    def address(customer_code: str) -> str | None:
        try:
            return delivery.email_destination(customer_code).address
        except NoEmailOnFile:
            return None

    return address


def system_printer(backend: str) -> Printer:
    """CUPS on Linux and macOS; Qt on Windows or wherever CUPS is missing."""
    if backend == "cups" or (backend == "auto" and shutil.which("lp")):
        return CupsPrinter()
    from kiosk.delivery.qt_printer import QtPrinter  # Qt loads only when printing needs it

    return QtPrinter()


def _bounce_service(
    settings: Settings, storage: Storage, clock: Clock, tracking: Tracking
) -> BounceService:
    """The bounce mailbox, read after deliveries; without bounces.host, nothing is read."""
    printing, bounces = settings.printing, settings.bounces
    options = BounceOptions(
        branch=settings.kiosk.branch,
        auto_printer=printing.printer if printing.auto_print and printing.printer else None,
        interval=timedelta(seconds=bounces.interval_seconds),
    )
    mailbox = bounce_mailbox(bounces) if bounces.host else None
    return BounceService(mailbox, storage.bounces, clock, options, tracking=tracking)


def bounce_mailbox(bounces: BouncesSettings) -> ImapBounceMailbox:
    """The configured bounce mailbox (IMAP over TLS)."""
    return ImapBounceMailbox(
        ImapConfig(
            host=bounces.host, port=bounces.port, username=bounces.username,
            password=bounces.password.get_secret_value(), mailbox=bounces.mailbox,
            verify=bounces.verify, timeout_seconds=bounces.timeout_seconds,
        )
    )  # fmt: skip


def smtp_mailer(smtp: SmtpSettings, company_email: str = "") -> SmtpMailer:
    """A mailer for the configured SMTP server, signing with the store's DKIM key if it has
    one; customers unsubscribe to smtp.list_unsubscribe, else the company's or reply-to address."""
    return SmtpMailer(
        SmtpConfig(
            host=smtp.host, port=smtp.port, security=smtp.security, username=smtp.username,
            password=smtp.password.get_secret_value(), sender=smtp.sender,
            reply_to=smtp.reply_to, timeout_seconds=smtp.timeout_seconds, verify=smtp.verify,
            list_unsubscribe=_unsubscribe(smtp, company_email),
        ),
        dkim_signer(smtp),
    )  # fmt: skip


def dkim_signer(smtp: SmtpSettings) -> DkimSigner | None:
    """The store's DKIM signer; ExternalRejected naming the key file when it cannot be used."""
    if not smtp.dkim_selector or smtp.dkim_key_file is None:
        return None
    domain = smtp.dkim_domain or sender_domain(smtp.sender)
    if not domain:
        raise ExternalRejected(
            "smtp.dkim_selector is set but neither smtp.dkim_domain nor smtp.sender names a "
            "domain to sign for",
            code="config",
        )
    return DkimSigner(smtp.dkim_selector, domain, smtp.dkim_key_file)


def _unsubscribe(smtp: SmtpSettings, company_email: str) -> tuple[str, ...]:
    if smtp.list_unsubscribe:
        return unsubscribe_uris(smtp.list_unsubscribe)  # checked by the settings already
    for fallback in (company_email, smtp.reply_to):
        try:
            if uris := unsubscribe_uris(fallback):
                return uris
        except ValueError:
            continue  # not an address a customer could write to
    return ()


class _NoMailServer:
    """Stands in for a mail server nobody configured: every e-mail waits, with the reason."""

    def send(self, email: OutgoingEmail) -> str:
        raise ExternalUnavailable("no mail server configured (smtp.host is empty)", code="config")


def qr_builder(payments: PaymentsSettings, company: CompanySettings) -> PaymentQrBuilder:
    """The payment QR standard chosen in settings."""
    if payments.qr_format == "emvco":
        merchant = EmvcoMerchant(
            payments.emvco_gui, payments.emvco_account, company.name,
            payments.merchant_city, payments.merchant_country,
        )  # fmt: skip
        return EmvcoBuilder(merchant)
    if payments.qr_format == "epc":
        return EpcBuilder(EpcBeneficiary(payments.account_holder, payments.iban, payments.bic))
    return UrlTemplateBuilder(payments.url_template)


def _fiscal_documents(
    settings: Settings, storage: Storage, gateway: ServiceLayerClient, clock: Clock
) -> FiscalDocuments | None:
    """Mexico's stamped CFDIs, fetched from SAP's attachments; None when turned off."""
    cfdi = settings.cfdi
    if not cfdi.enabled:
        return None
    return FiscalDocuments(
        storage.fiscal, gateway if settings.sap.is_configured else None, storage.cursors,
        read_cfdi, clock, extension=cfdi.xml_extension,
        downloads_per_pass=cfdi.downloads_per_pass, payments_per_pass=cfdi.payments_per_pass,
    )  # fmt: skip


def _sync_service(
    settings: Settings,
    storage: Storage,
    gateway: ServiceLayerClient,
    clock: Clock,
    fiscal: FiscalDocuments | None,
    disputes: DisputeService,
) -> SyncService:
    """A sync service over the configured SAP company and the local cache."""
    return SyncService(
        gateway,
        storage.cache,
        storage.cursors,
        storage.outbox,
        storage.preferences,
        clock,
        requests=storage.payment_requests,
        kiosk_number=settings.payments.kiosk_number,
        overlap=timedelta(days=settings.sync.overlap_days),
        fiscal=fiscal,
        disputes=disputes,
        ledger=storage.ledger,
        ledger_source=gateway,
        payments_per_pass=settings.sap.ledger_payments_per_pass,
        tracking=Tracking(storage.tracking, clock),
    )
