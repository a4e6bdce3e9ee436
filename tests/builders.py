"""Builders of valid domain values for tests; each test overrides only what it is about."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from kiosk.domain.billing_preference import BillingChannel, BillingPreference
from kiosk.domain.customer import Address, Customer
from kiosk.domain.invoice import Invoice, InvoiceLine, SapDocumentStatus
from kiosk.domain.money import Money


def make_line(line_number: int = 0, **overrides: Any) -> InvoiceLine:
    values: dict[str, Any] = {
        "line_number": line_number,
        "item_code": f"A{line_number:05d}",
        "description": f"Artículo número {line_number}",
        "quantity": Decimal("2"),
        "unit_price": Decimal("50.00"),
        "discount_percent": Decimal("0"),
        "tax_code": "IVA16",
        "tax_percent": Decimal("16"),
        "tax_amount": Decimal("16.00"),
        "line_total": Decimal("100.00"),
    }
    values.update(overrides)
    return InvoiceLine(**values)


def make_invoice(doc_entry: int = 1, **overrides: Any) -> Invoice:
    currency = overrides.pop("currency", "MXN")
    amounts = {
        name: Money(Decimal(overrides.pop(name, default)), currency)
        for name, default in (
            ("net_total", "200.00"),
            ("tax_total", "32.00"),
            ("total", "232.00"),
            ("paid_to_date", "0"),
        )
    }
    values: dict[str, Any] = {
        "doc_entry": doc_entry,
        "doc_num": 1000 + doc_entry,
        "customer_code": "C001",
        "customer_name": "Comercializadora Peña del Norte",
        "customer_tax_id": "CPN010101AB1",
        "posting_date": date(2026, 1, 15),
        "due_date": date(2026, 2, 14),
        "document_date": date(2026, 1, 15),
        "currency": currency,
        "sap_status": SapDocumentStatus.OPEN,
        "cancelled": False,
        "customer_reference": "OC-77",
        "comments": None,
        "lines": (make_line(0), make_line(1)),
        **amounts,
    }
    values.update(overrides)
    return Invoice(**values)


def make_customer(code: str = "C001", **overrides: Any) -> Customer:
    values: dict[str, Any] = {
        "code": code,
        "name": "Comercializadora Peña del Norte",
        "tax_id": "CPN-010101-AB1",
        "email": "pagos@penanorte.mx",
        "phone": "+52 81 5555 0101",
        "address": Address("Av. Constitución 100", "Monterrey", "64000", "Nuevo León", "MX"),
    }
    values.update(overrides)
    return Customer(**values)


def make_preference(customer_code: str = "C001", **overrides: Any) -> BillingPreference:
    values: dict[str, Any] = {
        "customer_code": customer_code,
        "channel": BillingChannel.EMAIL,
        "email": "pagos@penanorte.mx",
        "consent_at": datetime(2026, 1, 20, 10, 30),
        "registered_by": "maria",
        "branch": "MTY-01",
    }
    values.update(overrides)
    return BillingPreference(**values)
