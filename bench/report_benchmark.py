"""Report benchmark: every dashboard query on caches of 100,000 and 1,000,000 invoices.

Each cache holds N invoices over three years (two currencies, open, partly paid, closed and
cancelled ones), N/20 customers with a preference history, a delivery per invoice, N/2
payments applied to two invoices each, disputes, and 2N tracking events with their daily
counts. Each Reports method is timed over varied periods; the p95 must stay within 200 ms.

Run from the project root:  .venv/bin/python -m bench.report_benchmark [--sizes 100000 1000000]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.figures import report
from bench.pdf_benchmark import statement_pdf_median_ms
from kiosk.bundled_files import migrations_path
from kiosk.domain.reports import ReportPeriod
from kiosk.services.reports import Reports
from kiosk.storage.channel_moves import moves_of_history
from kiosk.storage.database import create_database_engine
from kiosk.storage.ledger_store import payment_wait_counts
from kiosk.storage.report_store import SqlReportSource
from kiosk.storage.schema_migration import ensure_schema
from kiosk.storage.sync_cursor_store import SqlSyncCursorStore

RESULTS = Path(__file__).parent / "results"
TODAY = date(2026, 11, 1)
YEARS_OF_INVOICES = 3
TARGET_MS = 200.0
STATEMENT_TARGET_MS = 250.0
BATCH = 50_000
MICRO = 1_000_000
QUERIES = ("adoption", "deliveries", "ageing", "usage", "payment_delays", "sync_health")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=40, help="timed runs of each query")
    parser.add_argument("--folder", type=Path, default=Path("build/bench"))
    parser.add_argument("--results", type=Path, default=RESULTS, help="folder for the JSON")
    parser.add_argument("--reuse", action="store_true", help="keep caches a previous run built")
    args = parser.parse_args()

    figures: dict[str, Any] = {}
    targets: dict[str, float] = {}
    for size in args.sizes:
        path = args.folder / f"reports_{size}.sqlite3"
        if not (args.reuse and path.exists()):
            started = time.perf_counter()
            build_cache(path, size)
            figures[f"build_{size}_seconds"] = round(time.perf_counter() - started, 1)
        for name, p95 in time_queries(path, args.runs).items():
            key = f"{name}_p95_ms_{size}"
            figures[key] = p95
            targets[key] = TARGET_MS
    # The other figure: a statement of account's PDF, timed as bench.pdf_benchmark does.
    figures["statement_three_hundred_lines_median_ms"] = statement_pdf_median_ms(runs=9)
    targets["statement_three_hundred_lines_median_ms"] = STATEMENT_TARGET_MS
    if len(args.sizes) > 1:
        small, large = min(args.sizes), max(args.sizes)
        for name in QUERIES:
            ratio = figures[f"{name}_p95_ms_{large}"] / max(figures[f"{name}_p95_ms_{small}"], 0.01)
            figures[f"{name}_growth_{large}_over_{small}"] = round(ratio, 2)
    report(figures, targets, args.results / "report_benchmark.json")
    largest = max(args.sizes)
    missed = [name for name in QUERIES if figures[f"{name}_p95_ms_{largest}"] > TARGET_MS]
    if figures["statement_three_hundred_lines_median_ms"] > STATEMENT_TARGET_MS:
        missed.append("statement PDF")
    verdict = f"MISS ({', '.join(missed)})" if missed else "PASS"
    print(
        f"{verdict}: p95 of every report at {largest:,} invoices <= {TARGET_MS:g} ms, "
        f"a 300-line statement PDF <= {STATEMENT_TARGET_MS:g} ms"
    )


def time_queries(path: Path, runs: int) -> dict[str, float]:
    """The p95, in milliseconds, of each report over `runs` periods of 7 to 365 days."""
    engine = create_database_engine(f"sqlite:///{path}")
    reports = Reports(SqlReportSource(engine), SqlSyncCursorStore(engine))
    rng = random.Random(11)
    calls: dict[str, Callable[[ReportPeriod], object]] = {
        "adoption": reports.adoption,
        "deliveries": reports.deliveries,
        "ageing": lambda period: reports.ageing(period.end),
        "usage": reports.usage,
        "payment_delays": reports.payment_delays,
        "sync_health": lambda _period: reports.sync_health(),
    }
    timings: dict[str, list[float]] = {name: [] for name in calls}
    for run in range(runs + 1):
        end = TODAY - timedelta(days=rng.randrange(0, 180))
        period = ReportPeriod(end - timedelta(days=rng.choice((6, 29, 89, 179, 364))), end)
        for name, call in calls.items():
            started = time.perf_counter()
            call(period)
            if run:  # the first run only warms the page cache
                timings[name].append((time.perf_counter() - started) * 1000)
    engine.dispose()
    return {name: round(_p95(values), 1) for name, values in timings.items()}


def _p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def build_cache(path: Path, invoices: int) -> None:
    """A migrated cache file filled with raw inserts (the benchmark times reads, not writes)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for leftover in path.parent.glob(path.name + "*"):
        leftover.unlink()
    engine = create_database_engine(f"sqlite:///{path}")
    ensure_schema(engine, migrations_path())
    engine.dispose()
    database = sqlite3.connect(path, isolation_level=None)
    database.execute("PRAGMA journal_mode=WAL")
    database.execute("PRAGMA synchronous=OFF")
    database.execute("PRAGMA cache_size=-262144")
    rng = random.Random(5)
    customers = max(1, invoices // 20)
    _insert(database, "customers", ("code", "name", "missing_in_sap"),
            ((f"C{n:07d}", f"Cliente {n}", 0) for n in range(customers)))  # fmt: skip
    posted: list[date] = []
    _insert(database, "invoices", INVOICE_COLUMNS,
            _invoices(rng, invoices, customers, posted))  # fmt: skip
    history = list(_history(rng, customers))
    _insert(database, "billing_preference_history", HISTORY_COLUMNS, history)
    _insert(database, "channel_moves", ("day", "channel", "change"), _channel_moves(history))
    _insert(database, "deliveries", DELIVERY_COLUMNS, _deliveries(rng, posted, customers))
    _insert(database, "disputes", DISPUTE_COLUMNS, _disputes(rng, invoices, posted))
    payments, allocations = _payments(rng, posted, customers)
    _insert(database, "incoming_payments", PAYMENT_COLUMNS, payments)
    _insert(database, "payment_allocations", ALLOCATION_COLUMNS, allocations)
    paid_on = {payment[0]: date.fromisoformat(payment[3]) for payment in payments}
    waits = payment_wait_counts([(payment, paid_on[payment], waited)
                                 for payment, _, _, waited in allocations], [])  # fmt: skip
    _insert(database, "payment_waits", ("payment_date", "days_waited", "week_start", "invoices",
                                        "payments"),
            ((w["payment_date"].isoformat(), w["days_waited"], w["week_start"].isoformat(),
              w["invoices"], w["payments"]) for w in waits))  # fmt: skip
    days: Counter[tuple[str, str, str]] = Counter()
    _insert(database, "tracking_events", EVENT_COLUMNS, _events(rng, 2 * invoices, customers, days))
    _insert(database, "tracking_days", ("day", "kind", "outcome", "count"),
            ((*key, count) for key, count in days.items()))  # fmt: skip
    _insert(database, "outbox", OUTBOX_COLUMNS, _outbox(rng, invoices // 100))
    moment = datetime.combine(TODAY, datetime.min.time()).isoformat(" ")
    _insert(database, "sync_cursors", ("entity", "last_success_at"),
            ((entity, moment) for entity in ("customers", "invoices", "payments")))  # fmt: skip
    database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    database.close()


def _insert(database: sqlite3.Connection, table: str, columns: tuple[str, ...], rows: Any) -> None:
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            _write(database, sql, batch)
            batch = []
    _write(database, sql, batch)


def _write(database: sqlite3.Connection, sql: str, batch: list[tuple[Any, ...]]) -> None:
    database.execute("BEGIN")
    database.executemany(sql, batch)
    database.execute("COMMIT")


INVOICE_COLUMNS = (
    "doc_entry", "doc_num", "customer_code", "customer_name", "posting_date", "due_date",
    "document_date", "currency", "net_total", "tax_total", "total", "paid_to_date", "sap_status",
    "cancelled", "missing_in_sap",
)  # fmt: skip


def _invoices(
    rng: random.Random, count: int, customers: int, posted: list[date]
) -> Iterator[tuple[Any, ...]]:
    span = 365 * YEARS_OF_INVOICES
    first = TODAY - timedelta(days=span)
    for entry in range(1, count + 1):
        day = first + timedelta(days=entry * span // count)
        posted.append(day)
        total = rng.randrange(100, 50_000) * 10_000  # whole cents, in millionths
        age = (TODAY - day).days
        # Recent invoices are mostly open; old ones mostly paid, a few left overdue.
        is_open = rng.random() < (0.6 if age < 60 else 0.2 if age < 180 else 0.03)
        paid = 0 if is_open else total
        if is_open and rng.random() < 0.15:
            paid = total // 2
        cancelled = int(rng.random() < 0.01)
        yield (
            entry, entry, f"C{rng.randrange(customers):07d}", "Cliente", day.isoformat(),
            (day + timedelta(days=30)).isoformat(), day.isoformat(),
            "USD" if rng.random() < 0.2 else "MXN", total, 0, total, paid,
            "open" if is_open else "closed", cancelled, 0,
        )  # fmt: skip


HISTORY_COLUMNS = (
    "customer_code", "channel", "consent_at", "registered_by", "branch", "source", "recorded_at",
)  # fmt: skip


def _channel_moves(history: list[tuple[Any, ...]]) -> Iterator[tuple[str, str, int]]:
    """What the preference store keeps with each change, for the generated history."""
    entries: dict[str, list[tuple[datetime, int, str]]] = defaultdict(list)
    for order, (code, channel, at, *_) in enumerate(history):
        entries[code].append((datetime.fromisoformat(at), order, channel))
    moves: Counter[tuple[date, str]] = Counter()
    for customer_history in entries.values():
        moves.update(moves_of_history(customer_history))
    return ((day.isoformat(), channel, n) for (day, channel), n in moves.items() if n)


def _history(rng: random.Random, customers: int) -> Iterator[tuple[Any, ...]]:
    start = datetime.combine(TODAY - timedelta(days=720), datetime.min.time())
    for n in range(customers):
        changes = 1 + (rng.random() < 0.3) + (rng.random() < 0.1)
        for _ in range(changes):
            at = (start + timedelta(minutes=rng.randrange(720 * 24 * 60))).isoformat(" ")
            channel = rng.choice(("PAPER", "EMAIL", "EMAIL", "BOTH"))
            yield (f"C{n:07d}", channel, at, "maria", "MATRIZ", "kiosk", at)


DELIVERY_COLUMNS = (
    "doc_entry", "doc_num", "customer_code", "channel", "reason", "destination", "state",
    "requested_by", "attempts", "created_at", "created_day", "updated_at", "document",
)  # fmt: skip


def _deliveries(
    rng: random.Random, posted: list[date], customers: int
) -> Iterator[tuple[Any, ...]]:
    states = ("sent",) * 18 + ("failed", "queued")
    for entry, day in enumerate(posted, start=1):
        at = f"{day.isoformat()} {rng.randrange(8, 20):02d}:{rng.randrange(60):02d}:00"
        yield (
            entry, entry, f"C{rng.randrange(customers):07d}", rng.choice(("email", "paper")),
            "automatic", "x", rng.choice(states), "kiosk", 1, at, day.isoformat(), at, "invoice",
        )  # fmt: skip


DISPUTE_COLUMNS = (
    "doc_entry", "doc_num", "customer_code", "reason", "comment", "amount", "currency", "state",
    "opened_at", "updated_at", "language",
)  # fmt: skip


def _disputes(rng: random.Random, count: int, posted: list[date]) -> Iterator[tuple[Any, ...]]:
    for _ in range(max(1, count // 1000)):
        entry = rng.randrange(max(1, count - count // 20), count + 1)  # recent: likely open
        at = posted[entry - 1].isoformat() + " 12:00:00"
        state = rng.choice(("open", "in_review", "rejected"))
        yield (entry, entry, "C0000001", "other", "", 100 * MICRO, "MXN", state, at, at, "es")


PAYMENT_COLUMNS = (
    "doc_entry", "doc_num", "customer_code", "payment_date", "currency", "amount", "cancelled",
)  # fmt: skip


ALLOCATION_COLUMNS = (
    "payment_entry", "invoice_doc_entry", "amount", "days_waited",
)  # fmt: skip


def _payments(
    rng: random.Random, posted: list[date], customers: int
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    payments: list[tuple[Any, ...]] = []
    allocations: list[tuple[Any, ...]] = []
    for number, entry in enumerate(range(1, len(posted), 2), start=1):
        day = min(TODAY, posted[entry] + timedelta(days=rng.randrange(0, 90)))
        cancelled = int(rng.random() < 0.01)
        payments.append((number, number, f"C{rng.randrange(customers):07d}", day.isoformat(),
                         "MXN", 200 * MICRO, cancelled))  # fmt: skip
        for invoice in (entry, entry + 1):
            waited = None if cancelled else (day - posted[invoice - 1]).days
            allocations.append((number, invoice, 100 * MICRO, waited))
    return payments, allocations


EVENT_COLUMNS = ("at", "kind", "customer_code", "channel", "outcome", "kiosk_number")
_EVENT_KINDS = (
    ("identified", ""), ("identified", ""), ("identified", ""), ("invoice_viewed", ""),
    ("invoice_viewed", ""), ("invoice_printed", "sent"), ("invoice_emailed", "sent"),
    ("payment_requested", ""), ("identification_failed", ""), ("delivery_sent", ""),
)  # fmt: skip


def _events(
    rng: random.Random, count: int, customers: int, days: Counter[tuple[str, str, str]]
) -> Iterator[tuple[Any, ...]]:
    start = datetime.combine(TODAY - timedelta(days=400), datetime.min.time())
    seconds = 400 * 86_400
    for n in range(count):
        at = start + timedelta(seconds=n * seconds // count)
        kind, outcome = rng.choice(_EVENT_KINDS)
        days[(at.date().isoformat(), kind, outcome)] += 1
        yield (at.isoformat(" "), kind, f"C{rng.randrange(customers):07d}", None, outcome, 1)


OUTBOX_COLUMNS = (
    "reference", "kind", "customer_code", "payload", "state", "attempts", "created_at",
    "updated_at",
)  # fmt: skip


def _outbox(rng: random.Random, count: int) -> Iterator[tuple[Any, ...]]:
    at = datetime.combine(TODAY, datetime.min.time()).isoformat(" ")
    for n in range(count):
        state = "done" if n % 50 else rng.choice(("pending", "parked"))
        yield (f"ref-{n}", "billing_preference", "C0000001", "{}", state, 0, at, at)


if __name__ == "__main__":
    main()
