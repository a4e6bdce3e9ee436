"""Deterministic, realistic Mexican customers and invoices as domain values, for filling a cache.

Names, tax IDs, addresses and products come from the emulator's demo company; this module
builds domain values directly, fast enough for a million invoices.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from kiosk.domain.customer import Address, Customer
from kiosk.domain.invoice import Invoice, InvoiceLine, SapDocumentStatus
from kiosk.domain.money import Money
from kiosk.sap_emulator.demo_data import (
    CITIES,
    PRODUCTS,
    STREETS,
    customer_code,
    person_or_company_name,
    rfc,
)

REFERENCE_DAY = date(2026, 11, 1)
CENT = Decimal("0.01")
VAT = Decimal("0.16")


def generate_customers(count: int, *, seed: int = 7) -> Iterator[Customer]:
    """Yield `count` customers: two in three are businesses, the rest people."""
    rng = random.Random(seed)
    for number in range(1, count + 1):
        name, company = person_or_company_name(rng)
        city, state, zip_prefix = rng.choice(CITIES)
        yield Customer(
            code=customer_code(number),
            name=name,
            tax_id=rfc(rng, company=company),
            email=f"facturas{number}@cliente{number % 97}.com.mx",
            phone=f"+52 {rng.randrange(10**9, 10**10)}",
            address=Address(
                street=f"{rng.choice(STREETS)} {rng.randrange(1, 2000)}",
                city=city,
                zip_code=f"{zip_prefix}{rng.randrange(0, 1000):03d}",
                state=state,
                country="MX",
            ),
        )


def generate_invoices(
    count: int, *, customers: int, lines_per_invoice: int = 5, seed: int = 11
) -> Iterator[Invoice]:
    """Yield `count` invoices over 18 months: paid, partly paid, open, overdue and cancelled."""
    rng = random.Random(seed)
    names = {c.code: (c.name, c.tax_id) for c in generate_customers(customers)}
    for doc_entry in range(1, count + 1):
        code = customer_code(rng.randrange(1, customers + 1))
        posted = REFERENCE_DAY - timedelta(days=rng.randrange(548))
        lines = []
        for line_number in range(lines_per_invoice):
            product = rng.choice(PRODUCTS)
            quantity = Decimal(rng.randrange(1, 21))
            unit_price = product.price
            discount = rng.choice((Decimal(0), Decimal(0), Decimal(5), Decimal(10)))
            line_total = (quantity * unit_price * (1 - discount / 100)).quantize(
                CENT, ROUND_HALF_UP
            )
            lines.append(
                InvoiceLine(
                    line_number=line_number,
                    item_code=product.code,
                    description=product.description,
                    quantity=quantity,
                    unit_price=unit_price,
                    discount_percent=discount,
                    tax_code="IVA16",
                    tax_percent=Decimal(16),
                    tax_amount=(line_total * VAT).quantize(CENT, ROUND_HALF_UP),
                    line_total=line_total,
                )
            )
        net = sum((line.line_total for line in lines), Decimal(0))
        tax = sum((line.tax_amount for line in lines), Decimal(0))
        total = net + tax
        fate = rng.random()
        paid = Decimal(0)
        status = SapDocumentStatus.OPEN
        if fate < 0.55:
            paid, status = total, SapDocumentStatus.CLOSED
        elif fate < 0.65:
            paid = (total * Decimal(rng.randrange(10, 90)) / 100).quantize(CENT)
        cancelled = 0.65 <= fate < 0.70
        name, tax_id = names[code]
        yield Invoice(
            doc_entry=doc_entry,
            doc_num=100000 + doc_entry,
            customer_code=code,
            customer_name=name,
            customer_tax_id=tax_id,
            posting_date=posted,
            due_date=posted + timedelta(days=30),
            document_date=posted,
            currency="MXN",
            net_total=Money(net, "MXN"),
            tax_total=Money(tax, "MXN"),
            total=Money(total, "MXN"),
            paid_to_date=Money(paid, "MXN"),
            sap_status=SapDocumentStatus.CLOSED if cancelled else status,
            cancelled=cancelled,
            customer_reference=f"OC-{rng.randrange(1000, 99999)}" if rng.random() < 0.4 else None,
            comments=None,
            lines=tuple(lines),
        )


def main() -> None:
    """Fill a cache file with demo customers and invoices through the storage layer."""
    import argparse
    from pathlib import Path

    from kiosk.bundled_files import migrations_path
    from kiosk.storage.database import create_database_engine
    from kiosk.storage.invoice_store import SqlInvoiceStore
    from kiosk.storage.schema_migration import ensure_schema

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("database", type=Path, help="SQLite file to fill (created if missing)")
    parser.add_argument("--invoices", type=int, default=20_000)
    args = parser.parse_args()
    engine = create_database_engine(f"sqlite:///{args.database}")
    ensure_schema(engine, migrations_path())
    store = SqlInvoiceStore(engine)
    customers = max(1, args.invoices // 20)
    store.upsert_customers(generate_customers(customers))
    store.upsert_invoices(generate_invoices(args.invoices, customers=customers))
    counts = store.counts()
    print(f"{args.database}: {counts['invoices']:,} invoices, {counts['customers']:,} customers")


if __name__ == "__main__":
    main()
