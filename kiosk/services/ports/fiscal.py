"""Mexico's stamped CFDIs: where SAP keeps them, how the cache holds them, how XML is read."""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from kiosk.domain.cfdi import Cfdi


class FiscalKind(enum.Enum):
    """Which SAP document a CFDI belongs to."""

    INVOICE = "invoice"
    PAYMENT = "payment"  # a CFDI de pago (complemento de pagos 2.0)


@dataclass(frozen=True, slots=True)
class StampedPayment:
    """An incoming payment SAP stamped as a CFDI de pago, and the invoices it pays."""

    doc_entry: int
    uuid: str
    attachment: int | None
    invoice_doc_entries: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class FiscalDownload:
    """A stamped document whose XML the cache does not hold yet."""

    uuid: str
    kind: FiscalKind
    sap_doc_entry: int
    attachment: int | None


@dataclass(frozen=True, slots=True)
class FiscalDocument:
    """A stamped document as the cache holds it: its XML, or why it cannot be used."""

    uuid: str
    kind: FiscalKind
    sap_doc_entry: int
    xml: bytes | None
    problem: str | None
    fetched_at: datetime | None


class FiscalSap(Protocol):
    """What SAP tells about stamped documents."""

    def stamped_payments_after(self, doc_entry: int) -> Iterator[list[StampedPayment]]: ...

    def attachment_file(self, attachment_entry: int, extension: str) -> bytes: ...


class FiscalDocumentStore(Protocol):
    """The cache's stamped documents."""

    def record_stamped_payments(self, payments: list[StampedPayment]) -> None:
        """Note payment receipts (to download) and which invoices they pay."""

    def record_stamped_invoices(self, stamped: list[FiscalDownload]) -> None:
        """Note stamped invoices to download (their attachment brought up to date)."""

    def record_all_stamped_invoices(self) -> None:
        """Note every cached stamped invoice without its XML."""

    def fiscal_downloads(self, limit: int) -> list[FiscalDownload]:
        """Stamped invoices and payments without XML or a problem yet, newest first."""

    def fiscal_download(self, uuid: str) -> FiscalDownload | None:
        """The stamped document with this folio fiscal, if it still waits for its XML."""

    def save_fiscal_document(self, document: FiscalDocument) -> None:
        """Keep a downloaded XML (or why it cannot be used), replacing what was kept."""

    def fiscal_document(self, uuid: str) -> FiscalDocument | None: ...

    def payment_receipts_for(self, invoice_doc_entry: int) -> list[FiscalDocument]:
        """The stamped payment receipts that pay an invoice, oldest first."""


class CfdiReader(Protocol):
    """Reads a stamped CFDI XML; raises `UnreadableCfdi` saying why it cannot."""

    def __call__(self, xml: bytes) -> Cfdi: ...
