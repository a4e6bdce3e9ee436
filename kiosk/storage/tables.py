"""The typed rows of the local cache; portable column types only, so PostgreSQL works too."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    Time,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# The condition of the partial index of open invoices. PostgreSQL's spelling is in migration
# 0011 only: a postgresql_where here would load SQLAlchemy's PostgreSQL dialect (19 modules) at
# every start of a kiosk on SQLite; Alembic does not compare index conditions.
OPEN_INVOICE_SQLITE = "sap_status = 'open' AND cancelled = 0"
# Stamped documents still waiting for their XML (the same spelling on both databases; in the
# migration 0016 alone for PostgreSQL, for the reason above).
WAITING_SQL = "xml IS NULL AND problem IS NULL"


class Base(DeclarativeBase):
    """Declarative base with stable constraint names, so migrations can refer to them.

    Amounts are stored as integer millionths (see scaled_decimal.py): exact on every database.
    """

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def millionths() -> Mapped[int]:
    """An exact decimal column, stored as an integer count of millionths (see scaled_decimal)."""
    return mapped_column(BigInteger)


class CustomerRow(Base):
    """A business partner, with a normalised tax ID for lookups."""

    __tablename__ = "customers"

    code: Mapped[str] = mapped_column(String(50), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    tax_id: Mapped[str | None] = mapped_column(String(32))
    tax_id_key: Mapped[str | None] = mapped_column(String(32), index=True)
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(50))
    street: Mapped[str | None] = mapped_column(String(254))
    city: Mapped[str | None] = mapped_column(String(100))
    zip_code: Mapped[str | None] = mapped_column(String(20))
    state: Mapped[str | None] = mapped_column(String(100))
    country: Mapped[str | None] = mapped_column(String(3))
    sap_updated_at: Mapped[datetime | None] = mapped_column(DateTime)
    sap_data_version: Mapped[int | None] = mapped_column(Integer)
    last_seen_pass: Mapped[int | None] = mapped_column(Integer)
    missing_in_sap: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class CustomerNameWordRow(Base):
    """One folded word of a customer's name; its index serves name type-ahead on any database."""

    __tablename__ = "customer_name_words"

    word: Mapped[str] = mapped_column(String(100), primary_key=True)
    customer_code: Mapped[str] = mapped_column(
        String(50), ForeignKey("customers.code", ondelete="CASCADE"), primary_key=True
    )


class InvoiceRow(Base):
    """An invoice header keyed by SAP's DocEntry; amounts are exact decimals."""

    __tablename__ = "invoices"
    __table_args__ = (
        Index("ix_invoices_customer_code_posting_date", "customer_code", "posting_date"),
        # Every pass looks for the invoices issued since automatic delivery began.
        Index("ix_invoices_document_date", "document_date"),
        CheckConstraint("sap_status IN ('open', 'closed')", name="sap_status"),
        # The ageing report reads open invoices from this index alone (see report_store.py).
        Index(
            "ix_invoices_open_due", "currency", "due_date", "total", "paid_to_date", "sap_status",
            "cancelled",
            sqlite_where=text(OPEN_INVOICE_SQLITE),
        ),
    )  # fmt: skip

    doc_entry: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    doc_num: Mapped[int] = mapped_column(Integer, index=True)
    customer_code: Mapped[str] = mapped_column(String(50))
    customer_name: Mapped[str] = mapped_column(String(200))
    customer_tax_id: Mapped[str | None] = mapped_column(String(32))
    posting_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    document_date: Mapped[date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    net_total: Mapped[int] = millionths()
    tax_total: Mapped[int] = millionths()
    total: Mapped[int] = millionths()
    paid_to_date: Mapped[int] = millionths()
    sap_status: Mapped[str] = mapped_column(String(10))
    cancelled: Mapped[bool] = mapped_column(Boolean)
    customer_reference: Mapped[str | None] = mapped_column(String(100))
    comments: Mapped[str | None] = mapped_column(Text)
    sap_updated_at: Mapped[datetime | None] = mapped_column(DateTime)
    sap_data_version: Mapped[int | None] = mapped_column(Integer)
    last_seen_pass: Mapped[int | None] = mapped_column(Integer)
    missing_in_sap: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    fiscal_uuid: Mapped[str | None] = mapped_column(String(36), index=True)
    fiscal_attachment: Mapped[int | None] = mapped_column(Integer)


class InvoiceLineRow(Base):
    """One invoice line, keyed by its invoice and SAP's LineNum."""

    __tablename__ = "invoice_lines"
    # SQLite keeps an invoice's lines together in primary-key order, so reading them is one
    # seek instead of one per line; other databases ignore the option.
    __table_args__ = {"sqlite_with_rowid": False}  # noqa: RUF012 (SQLAlchemy reads it)

    doc_entry: Mapped[int] = mapped_column(
        ForeignKey("invoices.doc_entry", ondelete="CASCADE"), primary_key=True
    )
    line_number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    item_code: Mapped[str | None] = mapped_column(String(50))
    description: Mapped[str] = mapped_column(Text)
    quantity: Mapped[int] = millionths()
    unit_price: Mapped[int] = millionths()
    discount_percent: Mapped[int] = millionths()
    tax_code: Mapped[str | None] = mapped_column(String(20))
    tax_percent: Mapped[int] = millionths()
    tax_amount: Mapped[int] = millionths()
    line_total: Mapped[int] = millionths()


class BillingPreferenceRow(Base):
    """A customer's current billing preference as registered at a kiosk."""

    __tablename__ = "billing_preferences"
    __table_args__ = (CheckConstraint("channel IN ('PAPER', 'EMAIL', 'BOTH')", name="channel"),)

    customer_code: Mapped[str] = mapped_column(String(50), primary_key=True)
    channel: Mapped[str] = mapped_column(String(5))
    email: Mapped[str | None] = mapped_column(String(254))
    consent_at: Mapped[datetime] = mapped_column(DateTime)
    registered_by: Mapped[str] = mapped_column(String(50))
    branch: Mapped[str] = mapped_column(String(50))
    # What SAP held when we last looked: the base that tells a change made in SAP meanwhile
    # from an old value our push has not replaced yet.
    sap_channel: Mapped[str | None] = mapped_column(String(5))
    sap_email: Mapped[str | None] = mapped_column(String(254))
    # Raised by every change of the preference: a clerk's save names the version it was
    # based on, so two counters editing one customer cannot overwrite each other unseen.
    version: Mapped[int] = mapped_column(Integer, server_default=text("0"))


class BillingPreferenceHistoryRow(Base):
    """Every value a customer's billing preference has had, from the kiosk or from SAP."""

    __tablename__ = "billing_preference_history"
    __table_args__ = (
        Index("ix_billing_preference_history_customer_code_id", "customer_code", "id"),
        Index(
            "ix_billing_preference_history_customer_code_consent_at", "customer_code", "consent_at"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    customer_code: Mapped[str] = mapped_column(String(50))
    channel: Mapped[str] = mapped_column(String(5))
    email: Mapped[str | None] = mapped_column(String(254))
    consent_at: Mapped[datetime] = mapped_column(DateTime)
    registered_by: Mapped[str] = mapped_column(String(50))
    branch: Mapped[str] = mapped_column(String(50))
    source: Mapped[str] = mapped_column(String(10))
    recorded_at: Mapped[datetime] = mapped_column(DateTime)
    note: Mapped[str | None] = mapped_column(Text)
    consent_version: Mapped[str | None] = mapped_column(String(40))
    confirmed_by: Mapped[str | None] = mapped_column(String(50))
    incentive_percent: Mapped[int | None] = mapped_column(BigInteger)  # millionths


class SyncCursorRow(Base):
    """Where the last complete pull of one SAP entity stopped (SAP's own date and time)."""

    __tablename__ = "sync_cursors"

    entity: Mapped[str] = mapped_column(String(40), primary_key=True)
    watermark_date: Mapped[date | None] = mapped_column(Date)
    watermark_time: Mapped[time | None] = mapped_column(Time)
    last_key: Mapped[int | None] = mapped_column(Integer)
    last_success_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    # A first download read in parallel windows: those stored beyond last_key, as "a-b,c-d".
    done_ranges: Mapped[str | None] = mapped_column(Text)


class OutboxRow(Base):
    """A local change waiting to be pushed to SAP, with its client-generated reference."""

    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint("state IN ('pending', 'parked', 'done', 'discarded')", name="state"),
        Index("ix_outbox_state_customer_code_id", "state", "customer_code", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    reference: Mapped[str] = mapped_column(String(36), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    customer_code: Mapped[str] = mapped_column(String(50))
    payload: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(10))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_error_code: Mapped[str | None] = mapped_column(String(40))
    last_error_message: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    last_attempt_at: Mapped[datetime | None] = mapped_column(DateTime)
    done_at: Mapped[datetime | None] = mapped_column(DateTime)
    resolution: Mapped[str | None] = mapped_column(Text)


class PaymentRequestRow(Base):
    """A payment request made at the kiosk; settled when SAP shows a payment quoting it."""

    __tablename__ = "payment_requests"
    __table_args__ = (CheckConstraint("state IN ('open', 'settled')", name="state"),)

    reference: Mapped[str] = mapped_column(String(20), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    customer_code: Mapped[str] = mapped_column(String(50), index=True)
    customer_name: Mapped[str] = mapped_column(String(200))
    currency: Mapped[str] = mapped_column(String(3))
    total: Mapped[int] = millionths()
    created_at: Mapped[datetime] = mapped_column(DateTime)
    state: Mapped[str] = mapped_column(String(10))
    settled_by_payment: Mapped[int | None] = mapped_column(Integer)


class PaymentRequestInvoiceRow(Base):
    """One invoice of a payment request and what it owed then."""

    __tablename__ = "payment_request_invoices"

    reference: Mapped[str] = mapped_column(
        ForeignKey("payment_requests.reference", ondelete="CASCADE"), primary_key=True
    )
    doc_entry: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    doc_num: Mapped[int] = mapped_column(Integer)
    due_date: Mapped[date] = mapped_column(Date)
    amount: Mapped[int] = millionths()


class PaymentReferenceMarkRow(Base):
    """The highest sequence of a kiosk number SAP's payments were seen quoting.

    A rebuilt cache has no requests, but SAP remembers what was paid: the next sequence starts
    above this mark, so a reference already paid is never handed out again.
    """

    __tablename__ = "payment_reference_marks"

    kiosk_number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    highest_sequence: Mapped[int] = mapped_column(Integer)


class DeliveryRow(Base):
    """One delivery of an invoice by e-mail or on paper; automatic ones happen once per channel."""

    __tablename__ = "deliveries"
    __table_args__ = (
        CheckConstraint("channel IN ('email', 'paper')", name="channel"),
        CheckConstraint("reason IN ('automatic', 'requested')", name="reason"),
        CheckConstraint(
            "state IN ('queued', 'listed', 'sending', 'sent', 'failed', 'bounced')", name="state"
        ),
        CheckConstraint(
            "document IN ('invoice', 'payment_slip', 'payment_receipt', 'cfdi_xml', 'dispute',"
            " 'statement', 'enrolment_code')",
            name="document",
        ),
        Index("ix_deliveries_state_next_attempt_at", "state", "next_attempt_at"),
        Index("ix_deliveries_created_day_channel_state", "created_day", "channel", "state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    doc_entry: Mapped[int] = mapped_column(Integer, index=True)
    doc_num: Mapped[int] = mapped_column(Integer)
    customer_code: Mapped[str] = mapped_column(String(50))
    channel: Mapped[str] = mapped_column(String(5))
    reason: Mapped[str] = mapped_column(String(10))
    # "<doc_entry>:<channel>" for automatic deliveries, NULL otherwise: the unique constraint
    # makes "once per new invoice and channel" hold even if two passes race.
    automatic_key: Mapped[str | None] = mapped_column(String(40), unique=True)
    destination: Mapped[str] = mapped_column(String(254))
    state: Mapped[str] = mapped_column(String(10))
    requested_by: Mapped[str] = mapped_column(String(50))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_error_code: Mapped[str | None] = mapped_column(String(20))
    last_error: Mapped[str | None] = mapped_column(Text)
    receipt: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    # The day of created_at, kept apart: the deliveries report groups by it from an index.
    created_day: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Who is sending it ("host:pid"): another process leaves it alone while that one lives.
    claimed_by: Mapped[str | None] = mapped_column(String(120))
    # A payment slip is logged with the first invoice it covers, and its payment reference; a
    # payment receipt (CFDI de pago) with the invoice it was asked from, and its folio fiscal.
    document: Mapped[str] = mapped_column(String(15), server_default="invoice")
    reference: Mapped[str | None] = mapped_column(String(36))
    # When a delivery status notification said the mail came back (state bounced); its code and
    # the remote server's words are in last_error_code and last_error.
    bounced_at: Mapped[datetime | None] = mapped_column(DateTime)


class StaffAccountRow(Base):
    """A local staff account; the PIN only as a salted scrypt hash."""

    __tablename__ = "staff_accounts"
    __table_args__ = (CheckConstraint("role IN ('clerk', 'supervisor', 'admin')", name="role"),)

    name: Mapped[str] = mapped_column(String(30), primary_key=True)
    role: Mapped[str] = mapped_column(String(10))
    pin_hash: Mapped[str] = mapped_column(String(200))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class FiscalDocumentRow(Base):
    """A stamped CFDI (Mexico) the kiosk knows of: an invoice's or a payment receipt's.

    A row without XML and without a problem waits to be downloaded from SAP's attachments.
    """

    __tablename__ = "fiscal_documents"
    __table_args__ = (
        Index("ix_fiscal_documents_kind_sap_doc_entry", "kind", "sap_doc_entry"),
        # The documents waiting for their XML, read at every pass, apart from the many kept.
        Index(
            "ix_fiscal_documents_waiting",
            "kind",
            "sap_doc_entry",
            sqlite_where=text(WAITING_SQL),
        ),
        CheckConstraint("kind IN ('invoice', 'payment')", name="kind"),
    )

    uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    sap_doc_entry: Mapped[int] = mapped_column(Integer)
    attachment: Mapped[int | None] = mapped_column(Integer)
    xml: Mapped[bytes | None] = mapped_column(LargeBinary)
    problem: Mapped[str | None] = mapped_column(Text)  # why the XML cannot be used
    fetched_at: Mapped[datetime | None] = mapped_column(DateTime)


class FiscalPaymentLinkRow(Base):
    """Which invoices a stamped payment receipt pays (SAP's PaymentInvoices)."""

    __tablename__ = "fiscal_payment_links"

    payment_uuid: Mapped[str] = mapped_column(
        ForeignKey("fiscal_documents.uuid", ondelete="CASCADE"), primary_key=True
    )
    invoice_doc_entry: Mapped[int] = mapped_column(Integer, primary_key=True, index=True)


class DisputeRow(Base):
    """A customer's dispute of an invoice (line_number NULL) or of one of its lines."""

    __tablename__ = "disputes"
    __table_args__ = (
        CheckConstraint(
            "state IN ('open', 'in_review', 'accepted', 'rejected', 'withdrawn', 'closed')",
            name="state",
        ),
        Index("ix_disputes_doc_entry_state", "doc_entry", "state"),
        Index("ix_disputes_state_id", "state", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    doc_entry: Mapped[int] = mapped_column(Integer)
    doc_num: Mapped[int] = mapped_column(Integer)
    customer_code: Mapped[str] = mapped_column(String(50), index=True)
    line_number: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text)
    amount: Mapped[int] = millionths()
    currency: Mapped[str] = mapped_column(String(3))
    state: Mapped[str] = mapped_column(String(10))
    opened_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    credit_note: Mapped[int | None] = mapped_column(Integer)  # SAP's DocEntry that closed it
    language: Mapped[str] = mapped_column(String(2))  # of the customer's notices


class DisputeEventRow(Base):
    """One step of a dispute's timeline; `shown_at` once the customer saw it at the kiosk."""

    __tablename__ = "dispute_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dispute_id: Mapped[int] = mapped_column(
        ForeignKey("disputes.id", ondelete="CASCADE"), index=True
    )
    state: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(Text)
    by: Mapped[str] = mapped_column(String(50))
    at: Mapped[datetime] = mapped_column(DateTime)
    shown_at: Mapped[datetime | None] = mapped_column(DateTime)


class CreditNoteRow(Base):
    """An A/R credit note SAP issued to a customer; SAP owns it, the kiosk caches it."""

    __tablename__ = "credit_notes"
    __table_args__ = (
        Index("ix_credit_notes_customer_code_posting_date", "customer_code", "posting_date"),
    )

    doc_entry: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    doc_num: Mapped[int] = mapped_column(Integer)
    customer_code: Mapped[str] = mapped_column(String(50))
    posting_date: Mapped[date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    total: Mapped[int] = millionths()
    cancelled: Mapped[bool] = mapped_column(Boolean)


class CreditNoteInvoiceRow(Base):
    """Which invoices a credit note's lines were copied from (BaseType 13)."""

    __tablename__ = "credit_note_invoices"

    credit_note_entry: Mapped[int] = mapped_column(
        ForeignKey("credit_notes.doc_entry", ondelete="CASCADE"), primary_key=True
    )
    invoice_doc_entry: Mapped[int] = mapped_column(Integer, primary_key=True, index=True)


class IncomingPaymentRow(Base):
    """A customer payment SAP recorded; SAP owns it, the kiosk caches it for statements."""

    __tablename__ = "incoming_payments"
    __table_args__ = (
        Index("ix_incoming_payments_customer_code_payment_date", "customer_code", "payment_date"),
    )

    doc_entry: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    doc_num: Mapped[int] = mapped_column(Integer)
    customer_code: Mapped[str] = mapped_column(String(50))
    payment_date: Mapped[date] = mapped_column(Date, index=True)
    currency: Mapped[str] = mapped_column(String(3))
    amount: Mapped[int] = millionths()
    reference: Mapped[str | None] = mapped_column(String(100))
    cancelled: Mapped[bool] = mapped_column(Boolean)


class PaymentAllocationRow(Base):
    """The part of a payment SAP applied to one invoice (PaymentInvoices).

    The days its invoice waited for it are kept on the row, so that replacing a payment can
    take its share out of payment_waits.
    """

    __tablename__ = "payment_allocations"

    payment_entry: Mapped[int] = mapped_column(
        ForeignKey("incoming_payments.doc_entry", ondelete="CASCADE"), primary_key=True
    )
    invoice_doc_entry: Mapped[int] = mapped_column(Integer, primary_key=True, index=True)
    amount: Mapped[int] = millionths()
    # From the invoice's posting date to the payment; NULL for a cancelled payment, or when
    # the invoice was not in the cache when the payment was stored.
    days_waited: Mapped[int | None] = mapped_column(Integer)


class TrackingEventRow(Base):
    """One thing the kiosk did, naming the customer by code only (never other personal data)."""

    __tablename__ = "tracking_events"
    __table_args__ = (Index("ix_tracking_events_customer_code_at", "customer_code", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    kind: Mapped[str] = mapped_column(String(30))
    customer_code: Mapped[str | None] = mapped_column(String(50))
    channel: Mapped[str | None] = mapped_column(String(10))
    outcome: Mapped[str] = mapped_column(String(20), server_default="")
    kiosk_number: Mapped[int] = mapped_column(Integer)


class TrackingDayRow(Base):
    """How many events of a kind and outcome a day had: the dashboard reads these, not events."""

    __tablename__ = "tracking_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), primary_key=True)
    outcome: Mapped[str] = mapped_column(String(20), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


class PaymentWaitRow(Base):
    """How many invoices the payments of a day paid after waiting so many days since their
    posting: the report of days to payment reads these, kept with each payment stored.

    A payment is counted in `payments` once, on the row of its longest wait, so the sum over
    any days is the number of payments.
    """

    __tablename__ = "payment_waits"

    payment_date: Mapped[date] = mapped_column(Date, primary_key=True)
    days_waited: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    week_start: Mapped[date] = mapped_column(Date)  # the Monday of payment_date's week
    invoices: Mapped[int] = mapped_column(Integer)
    payments: Mapped[int] = mapped_column(Integer)


class ChannelMoveRow(Base):
    """How many customers a day's preference changes brought to (+) or took from (-) a billing
    channel; kept with each change, so adoption is read without replaying the history."""

    __tablename__ = "channel_moves"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    channel: Mapped[str] = mapped_column(String(5), primary_key=True)
    change: Mapped[int] = mapped_column(Integer)


class EnrolmentRequestRow(Base):
    """A customer's request for e-billing made at the kiosk; its code and link token hashed."""

    __tablename__ = "enrolment_requests"
    __table_args__ = (
        CheckConstraint(
            "state IN ('pending', 'confirmed', 'expired', 'failed', 'superseded')", name="state"
        ),
        CheckConstraint("channel IN ('EMAIL', 'BOTH')", name="channel"),
        Index("ix_enrolment_requests_customer_code_state", "customer_code", "state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    customer_code: Mapped[str] = mapped_column(String(50))
    channel: Mapped[str] = mapped_column(String(5))
    email: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(2))
    consent_version: Mapped[str] = mapped_column(String(40))
    code_hash: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    state: Mapped[str] = mapped_column(String(10))
    wrong_codes: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    confirmed_by: Mapped[str | None] = mapped_column(String(10))


class EbillingIncentiveRow(Base):
    """The e-billing incentive a customer was granted: one row per customer, so only once."""

    __tablename__ = "ebilling_incentives"

    customer_code: Mapped[str] = mapped_column(String(50), primary_key=True)
    percent: Mapped[int] = millionths()
    text: Mapped[str] = mapped_column(Text)
    granted_at: Mapped[datetime] = mapped_column(DateTime)
    request_id: Mapped[int | None] = mapped_column(Integer)


class SyncLeaseRow(Base):
    """Who holds (or last held) the branch's sync lease, and how far its pass has got."""

    __tablename__ = "sync_leases"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(120))
    granted_at: Mapped[datetime] = mapped_column(DateTime)
    heartbeat_at: Mapped[datetime] = mapped_column(DateTime)
    activity: Mapped[str | None] = mapped_column(String(40))
    progress: Mapped[int] = mapped_column(Integer)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    outcome: Mapped[str | None] = mapped_column(String(10))
    error: Mapped[str | None] = mapped_column(Text)


class LeaseGrantRow(Base):
    """Each time a client was granted the sync lease: the lease changing hands, for staff."""

    __tablename__ = "lease_grants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(40))
    holder: Mapped[str] = mapped_column(String(120))
    granted_at: Mapped[datetime] = mapped_column(DateTime)
