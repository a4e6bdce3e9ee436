"""Stamped CFDIs in the local database: which wait for their XML, and the XML once fetched."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Engine, Table, and_, delete, insert, literal, select, union_all

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
                        {
                            "uuid": payment.uuid,
                            "kind": FiscalKind.PAYMENT.value,
                            "sap_doc_entry": payment.doc_entry,
                            "attachment": payment.attachment,
                        }
                        for payment in new
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

    def fiscal_downloads(self, limit: int) -> list[FiscalDownload]:
        if limit <= 0:
            return []
        with connected(self._engine) as connection:
            # Only those with an attachment to fetch, newest first: the others wait for SAP.
            invoice_rows = connection.execute(
                _stamped_invoices_without_xml()
                .where(invoices.c.fiscal_attachment.is_not(None))
                .order_by(invoices.c.doc_entry.desc())
                .limit(limit)
            ).all()
            payment_rows = connection.execute(
                _payments_without_xml()
                .where(documents.c.attachment.is_not(None))
                .order_by(documents.c.sap_doc_entry.desc())
                .limit(limit)
            ).all()
        rows = [*payment_rows, *invoice_rows][:limit]
        return [_download(row) for row in rows]

    def fiscal_download(self, uuid: str) -> FiscalDownload | None:
        wanted = uuid.upper()
        query = union_all(
            _stamped_invoices_without_xml().where(invoices.c.fiscal_uuid == wanted),
            _payments_without_xml().where(documents.c.uuid == wanted),
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


def _stamped_invoices_without_xml() -> Any:
    return (
        select(
            invoices.c.fiscal_uuid.label("uuid"),
            literal(FiscalKind.INVOICE.value).label("kind"),
            invoices.c.doc_entry.label("sap_doc_entry"),
            invoices.c.fiscal_attachment.label("attachment"),
        )
        .outerjoin(documents, documents.c.uuid == invoices.c.fiscal_uuid)
        .where(invoices.c.fiscal_uuid.is_not(None), documents.c.uuid.is_(None))
    )


def _payments_without_xml() -> Any:
    return select(
        documents.c.uuid, documents.c.kind, documents.c.sap_doc_entry, documents.c.attachment
    ).where(
        and_(
            documents.c.kind == FiscalKind.PAYMENT.value,
            documents.c.xml.is_(None),
            documents.c.problem.is_(None),
        )
    )


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
