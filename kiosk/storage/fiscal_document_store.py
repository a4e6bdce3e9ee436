"""Stamped CFDIs in the local database: which wait for their XML, and the XML once fetched."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Engine, Table, and_, delete, func, insert, literal, or_, select, union_all

from kiosk.services.ports.fiscal import (
    FiscalDocument,
    FiscalDownload,
    FiscalKind,
    StampedPayment,
)
from kiosk.storage.database import connected, transaction
from kiosk.storage.tables import FiscalDocumentRow, FiscalPaymentLinkRow, InvoiceRow

documents = cast(Table, FiscalDocumentRow.__table__)
links = cast(Table, FiscalPaymentLinkRow.__table__)
invoices = cast(Table, InvoiceRow.__table__)
SEED_WINDOW = 20_000
"""DocEntries of invoices read at a time when every stamped invoice is noted (a first download)."""


class SqlFiscalDocumentStore:
    """Each call is one short transaction."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def record_stamped_payments(self, payments: list[StampedPayment]) -> None:
        if not payments:
            return
        uuids = [payment.uuid for payment in payments]
        with transaction(self._engine) as connection:
            known = set(
                connection.execute(select(documents.c.uuid).where(documents.c.uuid.in_(uuids)))
                .scalars()
                .all()
            )
            new = [payment for payment in payments if payment.uuid not in known]
            if new:
                connection.execute(
                    insert(documents),
                    [
                        _waiting_values(
                            FiscalDownload(p.uuid, FiscalKind.PAYMENT, p.doc_entry, p.attachment)
                        )
                        for p in new
                    ],
                )
            connection.execute(delete(links).where(links.c.payment_uuid.in_(uuids)))
            paid = [
                {"payment_uuid": payment.uuid, "invoice_doc_entry": doc_entry}
                for payment in payments
                for doc_entry in set(payment.invoice_doc_entries)
            ]
            if paid:
                connection.execute(insert(links), paid)

    def record_stamped_invoices(self, stamped: list[FiscalDownload]) -> None:
        """Note stamped invoices to download: a waiting row each (its attachment brought up to
        date), so finding the next XML to fetch reads the waiting rows alone."""
        if not stamped:
            return
        wanted = {document.uuid: document for document in stamped}
        with transaction(self._engine) as connection:
            kept = set(
                connection.execute(select(documents.c.uuid).where(documents.c.uuid.in_(wanted)))
                .scalars()
                .all()
            )
            new = [document for uuid, document in wanted.items() if uuid not in kept]
            if new:
                connection.execute(insert(documents), [_waiting_values(d) for d in new])
            for uuid in kept:
                connection.execute(
                    documents.update()
                    .where(documents.c.uuid == uuid, _is_waiting())
                    .values(attachment=wanted[uuid].attachment)
                )

    def record_all_stamped_invoices(self) -> None:
        """Note every stamped invoice the cache holds without its XML (after a first download or
        a full pass), reading the invoices one window of DocEntries at a time."""
        with connected(self._engine) as connection:
            highest = connection.execute(select(func.max(invoices.c.doc_entry))).scalar() or 0
        for start in range(0, highest, SEED_WINDOW):
            with connected(self._engine) as connection:
                rows = connection.execute(
                    _stamped_invoices_without_xml().where(
                        invoices.c.doc_entry > start, invoices.c.doc_entry <= start + SEED_WINDOW
                    )
                ).all()
            self.record_stamped_invoices([_download(row) for row in rows])

    def fiscal_downloads(self, limit: int) -> list[FiscalDownload]:
        if limit <= 0:
            return []
        with connected(self._engine) as connection:
            # Only those with an attachment to fetch, newest first, payments before invoices:
            # the others wait for SAP. The waiting rows have an index of their own.
            rows = [
                row
                for kind in (FiscalKind.PAYMENT, FiscalKind.INVOICE)
                for row in connection.execute(
                    _waiting()
                    .where(documents.c.kind == kind.value, documents.c.attachment.is_not(None))
                    .order_by(documents.c.sap_doc_entry.desc())
                    .limit(limit)
                ).all()
            ]
        return [_download(row) for row in rows[:limit]]

    def fiscal_download(self, uuid: str) -> FiscalDownload | None:
        wanted = uuid.upper()
        # An invoice's own row has the newest attachment SAP linked, noted or not.
        query = union_all(
            _stamped_invoices(or_(documents.c.uuid.is_(None), _is_waiting())).where(
                invoices.c.fiscal_uuid == wanted
            ),
            _waiting().where(
                documents.c.uuid == wanted, documents.c.kind == FiscalKind.PAYMENT.value
            ),
        )
        with connected(self._engine) as connection:
            row = connection.execute(query).first()
        return None if row is None else _download(row)

    def save_fiscal_document(self, document: FiscalDocument) -> None:
        values = {
            "uuid": document.uuid,
            "kind": document.kind.value,
            "sap_doc_entry": document.sap_doc_entry,
            "xml": document.xml,
            "problem": document.problem,
            "fetched_at": document.fetched_at,
        }
        with transaction(self._engine) as connection:
            kept = connection.execute(
                select(documents.c.uuid).where(documents.c.uuid == document.uuid)
            ).first()
            if kept is None:
                connection.execute(insert(documents).values(values))
            else:
                connection.execute(
                    documents.update().where(documents.c.uuid == document.uuid).values(values)
                )

    def fiscal_document(self, uuid: str) -> FiscalDocument | None:
        query = select(documents).where(documents.c.uuid == uuid.upper())
        with connected(self._engine) as connection:
            row = connection.execute(query).first()
        return None if row is None else _document(row)

    def payment_receipts_for(self, invoice_doc_entry: int) -> list[FiscalDocument]:
        query = (
            select(documents)
            .join(links, links.c.payment_uuid == documents.c.uuid)
            .where(links.c.invoice_doc_entry == invoice_doc_entry)
            .order_by(documents.c.sap_doc_entry)
        )
        with connected(self._engine) as connection:
            return [_document(row) for row in connection.execute(query).all()]


def _stamped_invoices(document_condition: Any) -> Any:
    """Stamped invoices as downloads, those whose kept document meets the condition."""
    return (
        select(
            invoices.c.fiscal_uuid.label("uuid"),
            literal(FiscalKind.INVOICE.value).label("kind"),
            invoices.c.doc_entry.label("sap_doc_entry"),
            invoices.c.fiscal_attachment.label("attachment"),
        )
        .outerjoin(documents, documents.c.uuid == invoices.c.fiscal_uuid)
        .where(invoices.c.fiscal_uuid.is_not(None), document_condition)
    )


def _stamped_invoices_without_xml() -> Any:
    return _stamped_invoices(documents.c.uuid.is_(None))


def _is_waiting() -> Any:
    # The same terms as the partial index ix_fiscal_documents_waiting, so it is used.
    return and_(documents.c.xml.is_(None), documents.c.problem.is_(None))


def _waiting() -> Any:
    return select(
        documents.c.uuid, documents.c.kind, documents.c.sap_doc_entry, documents.c.attachment
    ).where(_is_waiting())


def _waiting_values(document: FiscalDownload) -> dict[str, Any]:
    return {
        "uuid": document.uuid,
        "kind": document.kind.value,
        "sap_doc_entry": document.sap_doc_entry,
        "attachment": document.attachment,
    }


def _download(row: Any) -> FiscalDownload:
    return FiscalDownload(row.uuid, FiscalKind(row.kind), row.sap_doc_entry, row.attachment)


def _document(row: Any) -> FiscalDocument:
    return FiscalDocument(
        uuid=row.uuid,
        kind=FiscalKind(row.kind),
        sap_doc_entry=row.sap_doc_entry,
        xml=row.xml,
        problem=row.problem,
        fetched_at=row.fetched_at,
    )
