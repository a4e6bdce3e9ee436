"""Row <-> domain conversion; rows and their column names never leave the storage package.

Bulk rows are tuples in their table's column order, with values the driver stores as they are:
decimals as integer millionths, dates as ISO text (what SQLAlchemy's Date stores on SQLite, and
what PostgreSQL casts to a date).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row

from kiosk.domain.billing_preference import BillingChannel, BillingPreference
from kiosk.domain.customer import Address, Customer
from kiosk.domain.invoice import Invoice, InvoiceLine, SapDocumentStatus
from kiosk.domain.invoice_record import InvoiceRecord
from kiosk.domain.money import Money
from kiosk.domain.search_text import name_words, tax_id_key
from kiosk.services.ports.sync import SyncCursor
from kiosk.storage.scaled_decimal import from_scaled, to_scaled

Values = tuple[Any, ...]


def invoice_values(
    invoice: InvoiceRecord,
    updated_at: datetime | None = None,
    data_version: int | None = None,
    seen_pass: int | None = None,
) -> Values:
    """An invoice header as a bulk row, in the invoices table's column order."""
    return (
        invoice.doc_entry,
        invoice.doc_num,
        invoice.customer_code,
        invoice.customer_name,
        invoice.customer_tax_id,
        invoice.posting_date.isoformat(),
        invoice.due_date.isoformat(),
        invoice.document_date.isoformat(),
        invoice.currency,
        to_scaled(invoice.net_total),
        to_scaled(invoice.tax_total),
        to_scaled(invoice.total),
        to_scaled(invoice.paid_to_date),
        invoice.sap_status.value,
        invoice.cancelled,
        invoice.customer_reference,
        invoice.comments,
        timestamp(updated_at),
        data_version,
        seen_pass,
        False,
        invoice.fiscal_uuid,
        invoice.fiscal_attachment,
    )


def invoice_line_values(invoice: InvoiceRecord) -> list[Values]:
    """An invoice's lines as bulk rows, in the invoice_lines table's column order."""
    return [
        (
            invoice.doc_entry,
            line.line_number,
            line.item_code,
            line.description,
            to_scaled(line.quantity),
            to_scaled(line.unit_price),
            to_scaled(line.discount_percent),
            line.tax_code,
            to_scaled(line.tax_percent),
            to_scaled(line.tax_amount),
            to_scaled(line.line_total),
        )
        for line in invoice.lines
    ]


def cursor_values(cursor: SyncCursor) -> Values:
    """A sync cursor as a bulk row: its watermark split into SAP's date and time."""
    watermark = cursor.watermark
    return (
        cursor.entity,
        watermark.date().isoformat() if watermark else None,
        watermark.time().isoformat(timespec="microseconds") if watermark else None,
        cursor.last_key,
        timestamp(cursor.last_success_at),
        cursor.last_error,
        ",".join(f"{first}-{last}" for first, last in cursor.stored_windows) or None,
    )


def timestamp(moment: datetime | None) -> str | None:
    """A naive local time as the ISO text SQLAlchemy's DateTime reads back on SQLite."""
    return None if moment is None else moment.isoformat(sep=" ", timespec="microseconds")


def invoice_from_row(row: Row[Any], line_rows: Sequence[Row[Any]]) -> Invoice:
    """Build an invoice from its header row (with what disputes hold of it, when the query
    asked) and its line rows."""
    currency = row.currency
    return Invoice(
        doc_entry=row.doc_entry,
        doc_num=row.doc_num,
        customer_code=row.customer_code,
        customer_name=row.customer_name,
        customer_tax_id=row.customer_tax_id,
        posting_date=row.posting_date,
        due_date=row.due_date,
        document_date=row.document_date,
        currency=currency,
        net_total=Money(from_scaled(row.net_total), currency),
        tax_total=Money(from_scaled(row.tax_total), currency),
        total=Money(from_scaled(row.total), currency),
        paid_to_date=Money(from_scaled(row.paid_to_date), currency),
        sap_status=SapDocumentStatus(row.sap_status),
        cancelled=row.cancelled,
        customer_reference=row.customer_reference,
        comments=row.comments,
        fiscal_uuid=row.fiscal_uuid,
        fiscal_attachment=row.fiscal_attachment,
        disputed=from_scaled(int(getattr(row, "disputed", 0) or 0)),
        lines=tuple(
            InvoiceLine(
                line_number=line.line_number,
                item_code=line.item_code,
                description=line.description,
                quantity=from_scaled(line.quantity),
                unit_price=from_scaled(line.unit_price),
                discount_percent=from_scaled(line.discount_percent),
                tax_code=line.tax_code,
                tax_percent=from_scaled(line.tax_percent),
                tax_amount=from_scaled(line.tax_amount),
                line_total=from_scaled(line.line_total),
            )
            for line in line_rows
        ),
    )


def customer_values(
    customer: Customer,
    updated_at: datetime | None = None,
    data_version: int | None = None,
    seen_pass: int | None = None,
) -> Values:
    """A customer as a bulk row, with the tax ID normalised for lookups."""
    address = customer.address
    return (
        customer.code,
        customer.name,
        customer.tax_id,
        tax_id_key(customer.tax_id) if customer.tax_id else None,
        customer.email,
        customer.phone,
        address.street,
        address.city,
        address.zip_code,
        address.state,
        address.country,
        timestamp(updated_at),
        data_version,
        seen_pass,
        False,
    )


def customer_name_word_values(customer: Customer) -> list[Values]:
    """The folded words of a customer's name, one bulk row each, for type-ahead."""
    return [(word, customer.code) for word in name_words(customer.name)]


def customer_from_row(row: Row[Any]) -> Customer:
    """Build a customer from its row."""
    return Customer(
        code=row.code,
        name=row.name,
        tax_id=row.tax_id,
        email=row.email,
        phone=row.phone,
        address=Address(
            street=row.street,
            city=row.city,
            zip_code=row.zip_code,
            state=row.state,
            country=row.country,
        ),
    )


def preference_values(
    preference: BillingPreference, sap_channel: str | None, sap_email: str | None
) -> Values:
    """A billing preference as a bulk row, with what SAP held when we last looked."""
    return (
        preference.customer_code,
        preference.channel.value,
        preference.email,
        timestamp(preference.consent_at),
        preference.registered_by,
        preference.branch,
        sap_channel,
        sap_email,
    )


def preference_from_row(row: Row[Any]) -> BillingPreference:
    """Build a billing preference from its row."""
    return BillingPreference(
        customer_code=row.customer_code,
        channel=BillingChannel(row.channel),
        email=row.email,
        consent_at=row.consent_at,
        registered_by=row.registered_by,
        branch=row.branch,
    )
