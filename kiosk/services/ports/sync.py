"""What a sync pass reads from SAP and writes into the cache, and where each pull stands."""

from __future__ import annotations

import enum
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Generic, Protocol, TypeVar

from kiosk.domain.billing_preference import BillingChannel
from kiosk.domain.customer import Customer
from kiosk.domain.invoice_record import InvoiceRecord

T = TypeVar("T")


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
    stored_windows: tuple[tuple[int, int], ...] = ()
    """A first download read in parallel: DocEntry windows (first, last) stored beyond
    `last_key`, which is the end of the stored run without gaps from the start."""


class PullKind(enum.Enum):
    """What a pass over SAP's invoices is; the cache picks how to store it from this."""

    DELTA = "delta"
    """What changed since the last pass: a few pages, each stored as it comes."""
    FIRST_DOWNLOAD = "first download"
    """Every invoice into a cache that has none yet: as fast as the cache can take them."""
    FULL_PASS = "full pass"
    """Every invoice again, noting which ones SAP still has."""


@dataclass(frozen=True, slots=True)
class InvoicePage:
    """One page of a pull, stored in one transaction.

    `invoices` are the new or changed ones; `seen` the DocEntries SAP listed (a full pass);
    `cursor` moves with the page (a first download); `pulled` is how many invoices the pass
    had read up to this page, told back once the page is stored.
    """

    invoices: list[Pulled[InvoiceRecord]]
    seen: list[int] = field(default_factory=list)
    cursor: SyncCursor | None = None
    pulled: int = 0


class InvoiceWriter(Protocol):
    """Stores pulled pages of invoices, in order, while the caller maps the next ones."""

    def write(self, page: InvoicePage) -> None:
        """Store a page; may return before it is stored (a failure is raised by a later call,
        or on leaving the writer, which waits for every page)."""
        ...


class CacheSyncStore(Protocol):
    """The cache as sync writes it: versions to skip unchanged rows, passes to find lost ones."""

    def invoice_versions(self, doc_entries: list[int]) -> dict[int, int | None]: ...

    def customer_versions(self, codes: list[str]) -> dict[str, int | None]: ...

    def invoice_writer(
        self,
        kind: PullKind,
        *,
        seen_pass: int | None = None,
        on_stored: Callable[[int], None] | None = None,
    ) -> AbstractContextManager[InvoiceWriter]:
        """A writer for one pass's pages; `on_stored` is told each page's `pulled` once stored."""
        ...

    def store_pulled_customers(
        self, pulled: list[Pulled[Customer]], seen_pass: int | None
    ) -> int: ...

    def mark_customers_seen(self, codes: list[str], seen_pass: int) -> None: ...

    def flag_missing_invoices(self, seen_pass: int) -> int: ...

    def flag_missing_customers(self, seen_pass: int) -> int: ...

    def open_balances(self) -> dict[str, dict[str, Decimal]]: ...

    def invoice_counts(self) -> dict[str, int]: ...


class SyncCursorStore(Protocol):
    """Where each entity's pull stands."""

    def cursor(self, entity: str) -> SyncCursor | None: ...

    def save_cursor(self, cursor: SyncCursor) -> None: ...

    def cursors(self) -> list[SyncCursor]: ...
