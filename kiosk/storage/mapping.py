"""Row <-> domain conversion; rows and their column names never leave the storage package."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row

from kiosk.domain.billing_preference import BillingChannel, BillingPreference
from kiosk.domain.customer import Address, Customer
from kiosk.domain.invoice import Invoice, InvoiceLine, SapDocumentStatus
from kiosk.domain.money import Money
from kiosk.domain.search_text import tax_id_key

Params = dict[str, Any]


def invoice_params(invoice: Invoice) -> Params:
    """Column values of an invoice header."""
    return {
        "doc_entry": invoice.doc_entry,
        "doc_num": invoice.doc_num,
        "customer_code": invoice.customer_code,
        "customer_name": invoice.customer_name,
        "customer_tax_id": invoice.customer_tax_id,
        "posting_date": invoice.posting_date,
        "due_date": invoice.due_date,
        "document_date": invoice.document_date,
        "currency": invoice.currency,
        "net_total": invoice.net_total.amount,
        "tax_total": invoice.tax_total.amount,
        "total": invoice.total.amount,
        "paid_to_date": invoice.paid_to_date.amount,
        "sap_status": invoice.sap_status.value,
        "cancelled": invoice.cancelled,
        "customer_reference": invoice.customer_reference,
        "comments": invoice.comments,
    }


def invoice_line_params(invoice: Invoice) -> list[Params]:
    """Column values of each line of an invoice."""
    return [
        {
            "doc_entry": invoice.doc_entry,
            "line_number": line.line_number,
            "item_code": line.item_code,
            "description": line.description,
            "quantity": line.quantity,
            "unit_price": line.unit_price,
            "discount_percent": line.discount_percent,
            "tax_code": line.tax_code,
            "tax_percent": line.tax_percent,
            "tax_amount": line.tax_amount,
            "line_total": line.line_total,
        }
        for line in invoice.lines
    ]


def invoice_from_row(row: Row[Any], line_rows: Sequence[Row[Any]]) -> Invoice:
    """Build an invoice from its header row and its line rows."""
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
        net_total=Money(row.net_total, currency),
        tax_total=Money(row.tax_total, currency),
        total=Money(row.total, currency),
        paid_to_date=Money(row.paid_to_date, currency),
        sap_status=SapDocumentStatus(row.sap_status),
        cancelled=row.cancelled,
        customer_reference=row.customer_reference,
        comments=row.comments,
        lines=tuple(
            InvoiceLine(
                line_number=line.line_number,
                item_code=line.item_code,
                description=line.description,
                quantity=line.quantity,
                unit_price=line.unit_price,
                discount_percent=line.discount_percent,
                tax_code=line.tax_code,
                tax_percent=line.tax_percent,
                tax_amount=line.tax_amount,
                line_total=line.line_total,
            )
            for line in line_rows
        ),
    )


def customer_params(customer: Customer) -> Params:
    """Column values of a customer, with the tax ID normalised for lookups."""
    return {
        "code": customer.code,
        "name": customer.name,
        "tax_id": customer.tax_id,
        "tax_id_key": tax_id_key(customer.tax_id) if customer.tax_id else None,
        "email": customer.email,
        "phone": customer.phone,
        "street": customer.address.street,
        "city": customer.address.city,
        "zip_code": customer.address.zip_code,
        "state": customer.address.state,
        "country": customer.address.country,
    }


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


def preference_params(preference: BillingPreference) -> Params:
    """Column values of a billing preference."""
    return {
        "customer_code": preference.customer_code,
        "channel": preference.channel.value,
        "email": preference.email,
        "consent_at": preference.consent_at,
        "registered_by": preference.registered_by,
        "branch": preference.branch,
    }


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
