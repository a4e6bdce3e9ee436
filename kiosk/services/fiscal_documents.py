"""Mexico's stamped CFDIs: fetched from SAP's attachments during sync or on first use, kept in
the cache, read, and checked against SAP's invoice (where they disagree, the XML is the law)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from kiosk.domain.cfdi import Cfdi, UnreadableCfdi
from kiosk.domain.invoice import Invoice
from kiosk.domain.invoice_record import InvoiceRecord
from kiosk.services.errors import ExternalRejected, ExternalUnavailable
from kiosk.services.ports.clock import Clock
from kiosk.services.ports.fiscal import (
    CfdiReader,
    FiscalDocument,
    FiscalDocumentStore,
    FiscalDownload,
    FiscalKind,
    FiscalSap,
)
from kiosk.services.ports.sync import SyncCursor, SyncCursorStore

logger = logging.getLogger(__name__)

STAMPED_PAYMENTS = "stamped_payments"
"""The sync cursor of stamped payments: the last payment DocEntry looked at."""
STAMPED_INVOICES = "stamped_invoices"
"""The sync cursor saying when every cached stamped invoice was last noted to download."""


@dataclass(frozen=True, slots=True)
class FiscalReading:
    """What the kiosk knows of an invoice's CFDI: the document, or why there is none to use.

    `problem` is for staff (the XML is missing, unreadable or not yet downloaded);
    `discrepancy` says where the XML and SAP's invoice disagree (the XML is shown);
    `pending` means the XML is not downloaded yet: what is sent or printed should wait for it.
    """

    cfdi: Cfdi | None
    xml: bytes | None = None
    problem: str | None = None
    discrepancy: str | None = None
    pending: bool = False


NOT_STAMPED = FiscalReading(None)


class FiscalDocuments:
    """Each stamped invoice's and payment's XML, downloaded once and read on use."""

    def __init__(
        self,
        store: FiscalDocumentStore,
        sap: FiscalSap | None,
        cursors: SyncCursorStore,
        read: CfdiReader,
        clock: Clock,
        *,
        extension: str = "xml",
        downloads_per_pass: int = 50,
        payments_per_pass: int = 1000,
    ) -> None:
        self._store = store
        self._sap = sap
        self._cursors = cursors
        self._read = read
        self._clock = clock
        self._extension = extension
        self._downloads_per_pass = downloads_per_pass
        self._payments_per_pass = payments_per_pass

    # --- during sync -----------------------------------------------------------------------

    def note_stamped_invoices(self, written: Sequence[InvoiceRecord]) -> None:
        """Note the stamped ones among invoices a delta pass wrote, for `catch_up` to fetch."""
        self._store.record_stamped_invoices([
            FiscalDownload(i.fiscal_uuid, FiscalKind.INVOICE, i.doc_entry, i.fiscal_attachment)
            for i in written
            if i.fiscal_uuid
        ])  # fmt: skip

    def catch_up(self, *, full: bool = False) -> int:
        """Note newly stamped payments, then download waiting XML; returns how many came.

        After a first download (which notes nothing) and after a `full` pass (which writes
        through the bulk path), every cached stamped invoice is noted again, once.
        Raises what SAP raises when it cannot be reached, like the rest of a pass.
        """
        if self._sap is None:
            return 0
        if full or self._cursors.cursor(STAMPED_INVOICES) is None:
            self._store.record_all_stamped_invoices()
            self._cursors.save_cursor(
                SyncCursor(STAMPED_INVOICES, last_success_at=self._clock.now())
            )
        cursor = self._cursors.cursor(STAMPED_PAYMENTS) or SyncCursor(STAMPED_PAYMENTS)
        last, noted = cursor.last_key or 0, 0
        for page in self._sap.stamped_payments_after(last):
            self._store.record_stamped_payments([p for p in page if p.uuid])
            last = max([last, *(payment.doc_entry for payment in page)])
            self._cursors.save_cursor(replace(cursor, last_key=last))
            noted += len(page)
            if noted >= self._payments_per_pass:
                break  # a company's backlog comes over several passes, each of them short
        self._cursors.save_cursor(
            replace(cursor, last_key=last, last_success_at=self._clock.now(), last_error=None)
        )
        downloaded = 0
        for waiting in self._store.fiscal_downloads(self._downloads_per_pass):
            if self._download(waiting) is not None:
                downloaded += 1
        return downloaded

    # --- on use ----------------------------------------------------------------------------

    def reading(self, invoice: Invoice, *, fetch: bool = True) -> FiscalReading:
        """The CFDI of an invoice; fetched from SAP now (unless not to `fetch`) if the cache has
        none yet and SAP answers. Never raises for a missing, unreadable or unreachable XML: it
        says why."""
        if not invoice.fiscal_uuid:
            return NOT_STAMPED
        document = self._document(invoice.fiscal_uuid, fetch=fetch)
        if document is None:
            return FiscalReading(
                None,
                problem=f"the stamped XML of folio fiscal {invoice.fiscal_uuid} is not "
                "downloaded yet: SAP could not be reached, or links no attachment to it yet",
                pending=True,
            )
        reading = self._reading_of(document)
        if reading.cfdi is None:
            return reading
        return replace(reading, discrepancy=disagreement(reading.cfdi, invoice))

    def payment_receipts(self, invoice: Invoice) -> list[Cfdi]:
        """The stamped payment receipts (complemento de pagos) that pay this invoice."""
        receipts = []
        for kept in self._store.payment_receipts_for(invoice.doc_entry):
            document = kept if kept.xml is not None or kept.problem else self._document(kept.uuid)
            if document is None:
                continue
            reading = self._reading_of(document)
            if reading.cfdi is not None:
                receipts.append(reading.cfdi)
        return receipts

    def receipt(self, uuid: str) -> FiscalReading:
        """A payment receipt by its folio fiscal."""
        document = self._document(uuid)
        if document is None:
            return FiscalReading(None, problem=f"no stamped XML for folio fiscal {uuid}")
        return self._reading_of(document)

    # --- plumbing --------------------------------------------------------------------------

    def _document(self, uuid: str, *, fetch: bool = True) -> FiscalDocument | None:
        kept = self._store.fiscal_document(uuid)
        if kept is not None and (kept.xml is not None or kept.problem):
            return kept
        if not fetch:
            return None
        waiting = self._store.fiscal_download(uuid)
        return None if waiting is None else self._download(waiting)

    def _download(self, waiting: FiscalDownload) -> FiscalDocument | None:
        """Fetch and keep one XML; None when SAP cannot be reached now (it stays waiting)."""
        xml = problem = None
        # SAP may write the folio fiscal before it links the attachment: that one waits too.
        if self._sap is None or waiting.attachment is None:
            return None
        try:
            xml = self._sap.attachment_file(waiting.attachment, self._extension)
        except ExternalUnavailable as error:
            logger.info("stamped XML %s not downloaded: %s", waiting.uuid, error)
            return None
        except ExternalRejected as error:
            problem = f"SAP refused the stamped XML of {waiting.uuid}: {error}"
        if xml is not None:
            problem = self._problem_with(xml, waiting)
        document = FiscalDocument(
            uuid=waiting.uuid,
            kind=waiting.kind,
            sap_doc_entry=waiting.sap_doc_entry,
            xml=xml,
            problem=problem,
            fetched_at=self._clock.now(),
        )
        if problem:
            logger.warning("stamped XML %s cannot be used: %s", waiting.uuid, problem)
        self._store.save_fiscal_document(document)
        return document

    def _problem_with(self, xml: bytes, waiting: FiscalDownload) -> str | None:
        try:
            cfdi = self._read(xml)
        except UnreadableCfdi as error:
            return str(error)
        if cfdi.uuid.upper() != waiting.uuid.upper():
            return f"the XML attached for folio fiscal {waiting.uuid} is stamped {cfdi.uuid}"
        expected = "P" if waiting.kind is FiscalKind.PAYMENT else cfdi.voucher_type
        if cfdi.voucher_type != expected:
            return f"the XML of payment {waiting.uuid} is a CFDI of type {cfdi.voucher_type}"
        return None

    def _reading_of(self, document: FiscalDocument) -> FiscalReading:
        if document.xml is None or document.problem:
            return FiscalReading(None, problem=document.problem or "no stamped XML")
        try:
            return FiscalReading(self._read(document.xml), xml=document.xml)
        except UnreadableCfdi as error:  # kept before a stricter reader; say it, never crash
            return FiscalReading(None, problem=str(error))


def disagreement(cfdi: Cfdi, invoice: Invoice) -> str | None:
    """Where the stamped XML and SAP's invoice disagree on what the customer must rely on."""
    found = []
    if cfdi.total != invoice.total.amount:
        found.append(
            f"the XML's Total {_amount(cfdi.total)} differs from SAP's DocTotal "
            f"{_amount(invoice.total.amount)}"
        )
    sap_rfc = _rfc_key(invoice.customer_tax_id)
    if sap_rfc and sap_rfc != _rfc_key(cfdi.receiver.rfc):
        found.append(
            f"the XML's receiver RFC {cfdi.receiver.rfc} differs from SAP's "
            f"{invoice.customer_tax_id}"
        )
    if cfdi.currency != invoice.currency:
        found.append(f"the XML's currency {cfdi.currency} differs from SAP's {invoice.currency}")
    return "; ".join(found) or None


def _amount(value: Decimal) -> str:
    return f"{value:,.2f}"


def _rfc_key(text: str | None) -> str:
    return "".join((text or "").upper().replace("-", "").split())
