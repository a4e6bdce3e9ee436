"""The Protocols through which services reach storage, SAP and the clock, and what crosses them."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from kiosk.domain.billing_preference import BillingChannel, BillingPreference, PreferenceChange
from kiosk.domain.customer import Customer
from kiosk.domain.delivery import (
    Delivery,
    DeliveryChannel,
    DeliveryState,
    OutgoingEmail,
    PrinterInfo,
)
from kiosk.domain.incoming_payment import IncomingPayment
from kiosk.domain.invoice import Invoice
from kiosk.domain.invoice_record import InvoiceRecord
from kiosk.domain.payment_request import PaymentRequest

if TYPE_CHECKING:
    from kiosk.services.outbox import OutboxEntry

T = TypeVar("T")


class InvoiceStore(Protocol):
    """The local cache of invoices, customers and billing preferences."""

    def invoices_by_number(self, doc_num: int) -> list[Invoice]:
        """Return the invoices with this DocNum (several series may share one)."""
        ...

    def invoices_for_customer(
        self, customer_code: str, *, limit: int, offset: int = 0, with_lines: bool = True
    ) -> list[Invoice]:
        """Return a customer's invoices, newest posting date first (lines only if asked)."""
        ...

    def invoices_issued_since(self, day: date) -> list[Invoice]:
        """Invoices with a document date on or after a day, oldest first, without lines."""
        ...

    def open_invoices_for_customer(self, customer_code: str) -> list[Invoice]:
        """Return a customer's invoices SAP still has open, oldest due date first, no lines."""
        ...

    def customer(self, customer_code: str) -> Customer | None:
        """Return one customer by exact code."""
        ...

    def customers_by_tax_id(self, tax_id: str) -> list[Customer]:
        """Return customers whose tax ID matches, ignoring case, spaces and dashes."""
        ...

    def customers_by_name(self, text: str, *, limit: int) -> list[Customer]:
        """Return customers with a name word starting with each typed word (type-ahead)."""
        ...

    def billing_preference(self, customer_code: str) -> BillingPreference | None:
        """Return the customer's current billing preference, if one is registered."""
        ...

    def upsert_customers(self, customers: Iterable[Customer]) -> int:
        """Insert or replace customers by code; return how many were written."""
        ...

    def upsert_invoices(self, invoices: Iterable[Invoice]) -> int:
        """Insert or replace invoices (with their lines) by DocEntry; return how many."""
        ...


class Clock(Protocol):
    """Local date and time where the kiosk stands (injectable for tests)."""

    def today(self) -> date: ...

    def now(self) -> datetime: ...


@dataclass(frozen=True, slots=True)
class Pulled(Generic[T]):
    """A record read from SAP with what sync needs to place it in time.

    `updated_at` is SAP's UpdateDate and UpdateTime (server-local, None where SAP has none);
    `data_version` is SAP's DataVersion, which grows with every change of the record.
    """

    value: T
    updated_at: datetime | None
    data_version: int | None


@dataclass(frozen=True, slots=True)
class SapCustomer:
    """A business partner with the billing preference fields SAP holds for it."""

    customer: Customer
    billing_channel: BillingChannel | None
    billing_email: str | None


@dataclass(frozen=True, slots=True)
class SyncCursor:
    """Where the pull of one entity stands: SAP's own time (watermark), or its last key.

    Without `last_success_at`, the cursor belongs to a first download that has not finished:
    for invoices, `last_key` is the last DocEntry stored and `watermark` the newest UpdateDate
    seen before the download was first interrupted.
    """

    entity: str
    watermark: datetime | None = None
    last_key: int | None = None
    last_success_at: datetime | None = None
    last_error: str | None = None


@dataclass(frozen=True, slots=True)
class PreferenceState:
    """A customer's current preference and what SAP held for it when we last looked."""

    current: BillingPreference | None
    sap_channel: BillingChannel | None
    sap_email: str | None


@dataclass(frozen=True, slots=True)
class PreferenceDecision:
    """What a pull decided for one customer's preference, written in one transaction."""

    customer_code: str
    sap_channel: BillingChannel | None
    sap_email: str | None
    new_current: BillingPreference | None = None
    history: tuple[PreferenceChange, ...] = ()
    supersede_pending: str | None = None  # resolution text for pending pushes now obsolete
    enqueue: OutboxEntry | None = None


class SapGateway(Protocol):
    """SAP Business One as sync and the outbox need it."""

    def connect(self) -> None: ...

    def changed_invoices(self, since: date | None) -> Iterator[list[Pulled[InvoiceRecord]]]: ...

    def invoices_after(self, doc_entry: int) -> Iterator[list[Pulled[InvoiceRecord]]]: ...

    def invoices_by_entries(
        self, doc_entries: list[int]
    ) -> Iterator[list[Pulled[InvoiceRecord]]]: ...

    def changed_business_partners(
        self, since: date | None
    ) -> Iterator[list[Pulled[SapCustomer]]]: ...

    def incoming_payments_after(self, doc_entry: int) -> Iterator[list[IncomingPayment]]: ...

    def latest_payment_entry(self) -> int: ...

    def highest_payment_reference(self, prefix: str) -> str | None:
        """The highest valid kiosk reference starting with `prefix` a payment quotes, if any."""
        ...

    def business_partner(self, card_code: str) -> Pulled[SapCustomer]: ...

    def set_billing_preference(
        self, card_code: str, channel: BillingChannel, email: str | None
    ) -> None: ...

    def create_invoice_activity(
        self,
        doc_entry: int,
        doc_num: int,
        card_code: str,
        *,
        details: str,
        notes: str,
        reference: str,
        at: datetime,
    ) -> int: ...

    def find_by_reference(self, entity_set: str, key_field: str, reference: str) -> list[Any]: ...


class OutboxStore(Protocol):
    """Durable outbox entries and their delivery state."""

    def due_entries(
        self, now: datetime | None, *, waived_codes: Collection[str] = ()
    ) -> list[OutboxEntry]: ...

    def start_attempt(self, entry_id: int, now: datetime) -> None: ...

    def mark_done(self, entry_id: int, now: datetime) -> None: ...

    def park(self, entry_id: int, code: str | None, message: str, now: datetime) -> None: ...

    def retry_later(
        self, entry_id: int, at: datetime, code: str | None, message: str, now: datetime
    ) -> None: ...

    def open_entries(self) -> list[OutboxEntry]: ...

    def entry(self, entry_id: int) -> OutboxEntry | None: ...

    def requeue(self, entry_id: int, note: str, now: datetime) -> OutboxEntry: ...

    def discard(self, entry_id: int, note: str, now: datetime) -> OutboxEntry: ...

    def counts(self) -> dict[str, int]: ...


class PreferenceStore(Protocol):
    """Billing preferences with their history, written together with their outbox entries."""

    def save_registered(self, preference: BillingPreference, entry: OutboxEntry) -> None: ...

    def preference_states(self, customer_codes: list[str]) -> dict[str, PreferenceState]: ...

    def apply_decisions(self, decisions: list[PreferenceDecision], now: datetime) -> None: ...

    def history(self, customer_code: str) -> list[PreferenceChange]: ...


class InvoiceWriter(Protocol):
    """Stores pulled pages of invoices, in order, while the caller maps the next ones."""

    def write(
        self, invoices: list[Pulled[InvoiceRecord]], seen: list[int], cursor: SyncCursor | None
    ) -> None:
        """Store a page, note `seen` as still in SAP (a full pass) and move `cursor`, at once.

        May return before the page is stored; a failure to store it is raised by a later call.
        """
        ...

    def stored_pages(self) -> int:
        """How many of the pages written are known to be stored; leaving the writer waits."""
        ...


class CacheSyncStore(Protocol):
    """The cache as sync writes it: versions to skip unchanged rows, passes to find lost ones."""

    def invoice_versions(self, doc_entries: list[int]) -> dict[int, int | None]: ...

    def customer_versions(self, codes: list[str]) -> dict[str, int | None]: ...

    def invoice_writer(
        self, seen_pass: int | None, *, bulk: bool
    ) -> AbstractContextManager[InvoiceWriter]:
        """A writer for one pass's pages of invoices; `bulk` for a first download or full pass."""
        ...

    def store_pulled_customers(
        self, pulled: list[Pulled[Customer]], seen_pass: int | None
    ) -> int: ...

    def mark_seen(self, entity: str, keys: list[object], seen_pass: int) -> None: ...

    def flag_missing(self, entity: str, seen_pass: int) -> int: ...

    def open_balances(self) -> dict[str, dict[str, Decimal]]: ...

    def invoice_counts(self) -> dict[str, int]: ...


class SyncCursorStore(Protocol):
    """Where each entity's pull stands."""

    def cursor(self, entity: str) -> SyncCursor | None: ...

    def save_cursor(self, cursor: SyncCursor) -> None: ...

    def cursors(self) -> list[SyncCursor]: ...


@dataclass(frozen=True, slots=True)
class QrCode:
    """A QR symbol ready to draw: its payload and dark modules, quiet zone included."""

    payload: str
    modules: tuple[tuple[bool, ...], ...]
    error_correction: str  # "M", "Q" or "H"


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


class Mailer(Protocol):
    """Sends e-mail; raises ExternalUnavailable to retry later, ExternalRejected to give up."""

    def send(self, email: OutgoingEmail) -> str:
        """Send and return the message id once the server accepted the message."""
        ...


class Printer(Protocol):
    """The system's print spooler."""

    def printers(self) -> list[PrinterInfo]: ...

    def print_pdf(self, pdf: bytes, *, printer: str | None, title: str) -> str:
        """Submit a PDF and return the spooler's job id."""
        ...


class DeliveryStore(Protocol):
    """Deliveries and their queue, kept in the local database."""

    def add_delivery(self, delivery: Delivery) -> Delivery | None:
        """Record a delivery; None when an automatic one for that invoice and channel exists."""
        ...

    def due_deliveries(self, now: datetime) -> list[Delivery]: ...

    def delivery(self, delivery_id: int) -> Delivery | None: ...

    def start_delivery(self, delivery_id: int, now: datetime) -> None: ...

    def finish_delivery(
        self, delivery_id: int, receipt: str, now: datetime, activity: OutboxEntry | None
    ) -> None:
        """Mark sent and, in the same transaction, queue the SAP Activity that records it."""
        ...

    def retry_delivery(
        self, delivery_id: int, at: datetime, code: str | None, error: str, now: datetime
    ) -> None: ...

    def fail_delivery(
        self, delivery_id: int, code: str | None, error: str, now: datetime
    ) -> None: ...

    def deliveries(
        self,
        *,
        state: DeliveryState | None = None,
        channel: DeliveryChannel | None = None,
        limit: int | None = None,
    ) -> list[Delivery]:
        """Newest first; at most `limit` of them when given."""
        ...

    def automatically_delivered(self, doc_entries: list[int]) -> set[tuple[int, str]]: ...

    def requeue_listed(self, delivery_ids: list[int], printer: str, now: datetime) -> None: ...
