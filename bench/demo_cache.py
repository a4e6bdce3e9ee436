"""Deterministic, realistic Mexican customers and invoices as domain values, for filling a cache."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from kiosk.domain.customer import Address, Customer
from kiosk.domain.invoice import Invoice, InvoiceLine, SapDocumentStatus
from kiosk.domain.money import Money

FIRST_NAMES = (
    "José",
    "María",
    "Juan",
    "Guadalupe",
    "Francisco",
    "Verónica",
    "Luis",
    "Ana",
    "Jesús",
    "Sofía",
    "Miguel",
    "Lucía",
    "Ángel",
    "Fernanda",
    "Alejandro",
    "Ximena",
    "Ricardo",
    "Itzel",
    "Héctor",
    "Brenda",
    "Óscar",
    "Patricia",
    "Raúl",
    "Mónica",
    "Sergio",
    "Leticia",
)
LAST_NAMES = (
    "Hernández",
    "García",
    "Martínez",
    "López",
    "González",
    "Pérez",
    "Rodríguez",
    "Sánchez",
    "Ramírez",
    "Cruz",
    "Flores",
    "Gómez",
    "Morales",
    "Vázquez",
    "Reyes",
    "Jiménez",
    "Torres",
    "Díaz",
    "Gutiérrez",
    "Ruiz",
    "Mendoza",
    "Aguilar",
    "Ortiz",
    "Moreno",
    "Castillo",
    "Romero",
    "Álvarez",
    "Méndez",
    "Chávez",
    "Rivera",
    "Juárez",
    "Ramos",
    "Domínguez",
    "Herrera",
    "Medina",
    "Castro",
    "Vargas",
    "Guzmán",
    "Velázquez",
    "Muñoz",
    "Peña",
    "Núñez",
    "Ibarra",
    "Zúñiga",
)
BUSINESS_KINDS = (
    "Comercializadora",
    "Distribuidora",
    "Abarrotes",
    "Ferretería",
    "Farmacia",
    "Papelería",
    "Refaccionaria",
    "Servicios Integrales",
    "Grupo",
    "Constructora",
    "Transportes",
    "Panadería",
)
BUSINESS_NAMES = (
    "del Norte",
    "del Bajío",
    "Azteca",
    "San Miguel",
    "La Esperanza",
    "del Pacífico",
    "Maya",
    "Santa Fe",
    "Las Águilas",
    "El Sol",
    "Tres Ríos",
    "La Güera",
    "Peñasco",
    "Cañada Real",
)
CITIES = (
    ("Ciudad de México", "CDMX", "06"),
    ("Guadalajara", "Jalisco", "44"),
    ("Monterrey", "Nuevo León", "64"),
    ("Puebla", "Puebla", "72"),
    ("Querétaro", "Querétaro", "76"),
    ("Mérida", "Yucatán", "97"),
    ("León", "Guanajuato", "37"),
    ("Tijuana", "Baja California", "22"),
    ("Oaxaca", "Oaxaca", "68"),
    ("Morelia", "Michoacán", "58"),
)
STREETS = ("Av. Juárez", "Calle Hidalgo", "Blvd. Morelos", "Av. Revolución", "Calle 5 de Mayo")
PRODUCTS = (
    ("A00001", "Cemento gris 50 kg"), ("A00002", "Varilla corrugada 3/8\""),
    ("A00003", "Pintura vinílica blanca 19 L"), ("A00004", "Cable THW calibre 12, rollo 100 m"),
    ("A00005", "Tubo PVC hidráulico 1/2\" x 6 m"), ("S00001", "Servicio de instalación"),
    ("A00006", "Papel bond carta, caja con 10 paquetes"),
    ("A00007", "Tóner negro alto rendimiento"),
    ("A00008", "Aceite de motor 5W-30, 4.73 L"), ("A00009", "Café de Chiapas molido 1 kg"),
    ("S00002", "Mantenimiento preventivo mensual"), ("A00010", "Llanta 205/55 R16"),
)  # fmt: skip
REFERENCE_DAY = date(2026, 11, 1)
CENT = Decimal("0.01")
VAT = Decimal("0.16")


def _rfc_letters(rng: random.Random, count: int) -> str:
    return "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZÑ&") for _ in range(count))


def _rfc(rng: random.Random, *, company: bool) -> str:
    born = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 55))
    tail = "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(3))
    return f"{_rfc_letters(rng, 3 if company else 4)}{born:%y%m%d}{tail}"


def customer_code(number: int) -> str:
    return f"C{number:06d}"


def generate_customers(count: int, *, seed: int = 7) -> Iterator[Customer]:
    """Yield `count` customers: two in three are businesses, the rest people."""
    rng = random.Random(seed)
    for number in range(1, count + 1):
        company = rng.random() < 0.66
        if company:
            name = f"{rng.choice(BUSINESS_KINDS)} {rng.choice(BUSINESS_NAMES)} S.A. de C.V."
        else:
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} {rng.choice(LAST_NAMES)}"
        city, state, zip_prefix = rng.choice(CITIES)
        yield Customer(
            code=customer_code(number),
            name=name,
            tax_id=_rfc(rng, company=company),
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
            item_code, description = rng.choice(PRODUCTS)
            quantity = Decimal(rng.randrange(1, 21))
            unit_price = Decimal(rng.randrange(1000, 500000)) / 100
            discount = rng.choice((Decimal(0), Decimal(0), Decimal(5), Decimal(10)))
            line_total = (quantity * unit_price * (1 - discount / 100)).quantize(
                CENT, ROUND_HALF_UP
            )
            lines.append(
                InvoiceLine(
                    line_number=line_number,
                    item_code=item_code,
                    description=description,
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
