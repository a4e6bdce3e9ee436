"""Cache benchmark: bulk-load invoices through storage, compare with raw sqlite3, time lookups.

Run from the project root:  .venv/bin/python -m bench.cache_benchmark [--invoices 1000000]
"""

from __future__ import annotations

import argparse
import itertools
import random
import sqlite3
import statistics
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench.demo_cache import generate_customers, generate_invoices
from bench.figures import report
from kiosk.bundled_files import migrations_path
from kiosk.domain.invoice import Invoice
from kiosk.domain.search_text import name_words
from kiosk.services.invoice_lookup import InvoiceLookup
from kiosk.storage.cache_sync_store import BATCH_SIZE
from kiosk.storage.database import create_database_engine
from kiosk.storage.invoice_store import SqlInvoiceStore
from kiosk.storage.schema_migration import ensure_schema

RESULTS = Path(__file__).parent / "results"
TARGETS = {
    "invoices_per_second": 10_000,
    "ratio_to_raw_sqlite": 2.5,
    "number_lookup_p95_ms": 1.0,
    "customer_listing_p95_ms": 3.0,
    "name_typeahead_p95_ms": 20.0,
}


def main() -> None:
    figures: dict[str, Any]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--lines", type=int, default=5, help="lines per invoice")
    parser.add_argument("--samples", type=int, default=2000, help="lookups timed per kind")
    parser.add_argument("--database", type=Path, default=Path("build/bench/cache.sqlite3"))
    parser.add_argument("--results", type=Path, default=RESULTS, help="folder for the JSON")
    parser.add_argument(
        "--lookups-only", action="store_true", help="time lookups on the cache a previous run left"
    )
    args = parser.parse_args()

    customers = max(1, args.invoices // 20)
    if args.lookups_only:
        store = SqlInvoiceStore(create_database_engine(f"sqlite:///{args.database}"))
        figures = {"invoices": args.invoices, "customers": customers}
        figures.update(_time_lookups(InvoiceLookup(store), args.invoices, customers, args.samples))
        report(figures, TARGETS, args.results / "cache_benchmark.json")
        return
    cache_path, raw_path = args.database, args.database.with_suffix(".raw.sqlite3")
    for path in (cache_path, raw_path):
        for leftover in path.parent.glob(path.name + "*"):
            leftover.unlink()
    engine = create_database_engine(f"sqlite:///{cache_path}")
    raw_engine = create_database_engine(f"sqlite:///{raw_path}")
    for each in (engine, raw_engine):
        ensure_schema(each, migrations_path())
    raw_engine.dispose()
    store = SqlInvoiceStore(engine)

    started = time.perf_counter()
    store.upsert_customers(generate_customers(customers))
    customer_seconds = time.perf_counter() - started

    store_seconds, raw_seconds = _load_invoices(
        store, raw_path, args.invoices, customers, args.lines
    )
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    figures = {
        "invoices": args.invoices,
        "lines_per_invoice": args.lines,
        "customers": customers,
        "customers_per_second": round(customers / customer_seconds),
        "invoices_per_second": round(args.invoices / store_seconds),
        "raw_sqlite_invoices_per_second": round(args.invoices / raw_seconds),
        "ratio_to_raw_sqlite": round(store_seconds / raw_seconds, 2),
        "file_size_mb": round(cache_path.stat().st_size / 1e6, 1),
    }
    figures.update(_time_lookups(InvoiceLookup(store), args.invoices, customers, args.samples))
    report(figures, TARGETS, args.results / "cache_benchmark.json")
    print(f"cache file: {cache_path}")


def _load_invoices(
    store: SqlInvoiceStore, raw_path: Path, count: int, customers: int, lines: int
) -> tuple[float, float]:
    """Load the same batches through the store and through raw executemany; time only the writes."""
    raw = sqlite3.connect(raw_path, isolation_level=None)
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("PRAGMA synchronous=NORMAL")
    header_sql = f"INSERT INTO invoices VALUES ({', '.join(['?'] * 23)})"
    line_sql = f"INSERT INTO invoice_lines VALUES ({', '.join(['?'] * 11)})"
    store_seconds = raw_seconds = 0.0
    invoices = generate_invoices(count, customers=customers, lines_per_invoice=lines)
    while batch := list(itertools.islice(invoices, BATCH_SIZE)):
        started = time.perf_counter()
        store.upsert_invoices(batch)
        store_seconds += time.perf_counter() - started

        headers, line_rows = _raw_rows(batch)
        started = time.perf_counter()
        raw.execute("BEGIN")
        raw.executemany(header_sql, headers)
        raw.executemany(line_sql, line_rows)
        raw.execute("COMMIT")
        raw_seconds += time.perf_counter() - started
    raw.close()
    return store_seconds, raw_seconds


def _micro(value: Decimal) -> int:
    return int(value.scaleb(6))


def _raw_rows(batch: list[Invoice]) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    headers = [
        (
            i.doc_entry, i.doc_num, i.customer_code, i.customer_name, i.customer_tax_id,
            i.posting_date.isoformat(), i.due_date.isoformat(), i.document_date.isoformat(),
            i.currency, _micro(i.net_total.amount), _micro(i.tax_total.amount),
            _micro(i.total.amount), _micro(i.paid_to_date.amount), i.sap_status.value,
            int(i.cancelled), i.customer_reference, i.comments, None, None, None, 0,
            i.fiscal_uuid, i.fiscal_attachment,
        )
        for i in batch
    ]  # fmt: skip
    lines = [
        (
            i.doc_entry, line.line_number, line.item_code, line.description,
            _micro(line.quantity), _micro(line.unit_price), _micro(line.discount_percent),
            line.tax_code, _micro(line.tax_percent), _micro(line.tax_amount),
            _micro(line.line_total),
        )
        for i in batch
        for line in i.lines
    ]  # fmt: skip
    return headers, lines


def _time_lookups(
    lookup: InvoiceLookup, invoices: int, customers: int, samples: int
) -> dict[str, float]:
    rng = random.Random(3)
    step = max(1, customers // 500)
    prefixes = [
        word[: rng.randrange(2, 5)]
        for customer in itertools.islice(generate_customers(customers), 0, None, step)
        for word in name_words(customer.name)
        if len(word) >= 4
    ]
    kinds: dict[str, Callable[[], object]] = {
        "number_lookup": lambda: lookup.invoices_by_number(100000 + rng.randrange(1, invoices + 1)),
        "customer_listing": lambda: lookup.invoices_for_customer(
            f"C{rng.randrange(1, customers + 1):06d}", limit=20
        ),
        "name_typeahead": lambda: lookup.search_customers(rng.choice(prefixes), limit=20),
    }
    figures: dict[str, float] = {}
    for kind, call in kinds.items():
        for _ in range(50):
            call()
        timings = []
        for _ in range(samples):
            started = time.perf_counter()
            call()
            timings.append((time.perf_counter() - started) * 1000)
        quantiles = statistics.quantiles(timings, n=100)
        figures[f"{kind}_p50_ms"] = round(quantiles[49], 3)
        figures[f"{kind}_p95_ms"] = round(quantiles[94], 3)
    return figures


if __name__ == "__main__":
    main()
