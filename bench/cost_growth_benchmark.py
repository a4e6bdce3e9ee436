"""Cost growth benchmark: lookups and a 100-change delta pass at 10k, 100k and 1M cached invoices.

Run from the project root:  .venv/bin/python -m bench.cost_growth_benchmark
    [--sizes 10000 100000 1000000] [--sap-invoices 10000] [--changed 100]

The emulator (its own process, started afresh for each size) holds the company's recent
invoices (`--sap-invoices`); each cache gets them by a real first download (`kiosk sync`),
then is filled up to its size with older invoices and customers written straight through the
storage layer, as a store that has used the kiosk for years has them. Passes run until the
payment back-fill and the CFDI catch-up are done, so the one timed is a plain delta:
`--changed` documents change in SAP (four in five invoices edited, one in five a payment on
an invoice) and `kiosk sync --json` runs in a child process. Then as many changes again and
one more delta pass in this process, recording its SQL: every statement's query plan is asked
for, and any scan of a table that grows with the cache is printed. Lookups are timed through
the service the UI uses. Each figure is printed at each size and as the ratio of the largest
to the smallest (target: at most 2).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
from pathlib import Path
from typing import Any
from unittest import mock

from bench.cache_benchmark import _time_lookups
from bench.demo_cache import generate_customers, generate_invoices
from bench.figures import report
from bench.query_plans import FullScan, full_scans, recorded_statements
from bench.sap_paging_benchmark import _start_emulator, demo_session
from bench.sync_benchmark import _first_download, _sync, sync_environment
from kiosk.app.settings import load_settings
from kiosk.app.wiring import build_services
from kiosk.services.invoice_lookup import InvoiceLookup
from kiosk.storage.database import create_database_engine
from kiosk.storage.invoice_store import SqlInvoiceStore

RESULTS = Path(__file__).parent / "results"
GROWING = ("number_lookup_p95_ms", "customer_listing_p95_ms", "name_typeahead_p95_ms",
           "delta_seconds")  # fmt: skip
TARGETS = {f"{name}_ratio": 2.0 for name in GROWING}
SETTLING_PASSES = 5
CATCH_UP_SETTINGS = (
    "CFDI__DOWNLOADS_PER_PASS", "CFDI__PAYMENTS_PER_PASS", "SAP__LEDGER_PAYMENTS_PER_PASS",
)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--sap-invoices", type=int, default=10_000, help="in the emulator")
    parser.add_argument("--changed", type=int, default=100, help="documents changed in SAP")
    parser.add_argument("--samples", type=int, default=2000, help="lookups timed per kind")
    parser.add_argument("--folder", type=Path, default=Path("build/bench/cost_growth"))
    parser.add_argument("--results", type=Path, default=RESULTS, help="folder for the JSON")
    args = parser.parse_args()
    if min(args.sizes) < args.sap_invoices:
        parser.error("every size must hold at least the emulator's invoices")

    figures: dict[str, Any] = {"sap_invoices": args.sap_invoices, "changed": args.changed}
    scans: dict[str, list[FullScan]] = {}
    for size in args.sizes:
        # A fresh emulator for each cache, so that each delta reads the same changes (SAP is
        # asked for what changed since a day, and the changes of one size would add up).
        emulator, root = _start_emulator(args.sap_invoices)
        try:
            label = _label(size)
            changes = _SapChanges(root, seed=5)
            measured, scans[label] = _measure_size(root, args.folder / label, size, changes, args)
            figures.update({f"{name}_{label}": value for name, value in measured.items()})
        finally:
            emulator.terminate()
            emulator.wait(timeout=10)
    smallest, largest = _label(min(args.sizes)), _label(max(args.sizes))
    for name in GROWING:
        figures[f"{name}_ratio"] = round(
            figures[f"{name}_{largest}"] / max(figures[f"{name}_{smallest}"], 1e-9), 2
        )
    report(figures, TARGETS, args.results / "cost_growth_benchmark.json")
    for label, found in scans.items():
        for scan in found:
            print(
                f"full scan at {label}: {scan.plan}  in  {' '.join(scan.statement.split())[:200]}"
            )


def _measure_size(
    root: str, folder: Path, size: int, changes: _SapChanges, args: argparse.Namespace
) -> tuple[dict[str, Any], list[FullScan]]:
    for leftover in folder.glob("*"):
        if leftover.is_file():
            leftover.unlink()
    environment = sync_environment(root, folder)
    first, _rss, _wall = _first_download(root, folder)
    if first["stored"]["invoices"] != args.sap_invoices:
        raise SystemExit(f"the first download stored {first['stored']['invoices']} invoices")
    url = environment["KIOSK_DATABASE__URL"]
    _fill(url, args.sap_invoices, size)
    # The back-fill and catch-up in as few passes as they take, not a page a pass.
    settle = {**environment, **{f"KIOSK_{name}": "100000" for name in CATCH_UP_SETTINGS}}
    for _ in range(SETTLING_PASSES):
        settling, _rss, _wall = _sync(settle)
        if not settling["payment_history"] and not settling["fiscal_downloaded"]:
            break
    changes.make(args.changed)
    delta, delta_rss, delta_wall = _sync(environment)
    changes.make(args.changed)
    scans = _delta_scans(environment)

    engine = create_database_engine(url)
    store = SqlInvoiceStore(engine)
    lookup = InvoiceLookup(store)
    measured: dict[str, Any] = {"cached_invoices": store.counts()["invoices"]}
    timed = _time_lookups(lookup, size, max(1, size // 20), args.samples)
    measured.update({name: value for name, value in timed.items() if name.endswith("p95_ms")})
    engine.dispose()
    measured.update(
        delta_seconds=round(delta["seconds"], 3),
        delta_process_seconds=round(delta_wall, 2),
        delta_peak_rss_mb=round(delta_rss, 1),
        delta_pulled_invoices=delta["pulled"]["invoices"],
        delta_refreshed_by_payments=delta["refreshed_by_payments"],
        delta_catch_up=delta["payment_history"] + delta["fiscal_downloaded"],
        delta_full_scans=len(scans),
    )
    return measured, scans


def _fill(url: str, sap_invoices: int, size: int) -> None:
    """Older invoices and customers than SAP's recent ones, up to `size` invoices in all."""
    engine = create_database_engine(url)
    store = SqlInvoiceStore(engine)
    customers = max(1, size // 20)
    store.upsert_customers(
        itertools.islice(generate_customers(customers), sap_invoices // 20, None)
    )
    store.upsert_invoices(
        invoice
        for invoice in generate_invoices(size, customers=customers)
        if invoice.doc_entry > sap_invoices
    )
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()


def _delta_scans(environment: dict[str, str]) -> list[FullScan]:
    """One delta pass in this process, as `kiosk sync` runs it; the full scans in its SQL."""
    with mock.patch.dict(os.environ, environment):
        services = build_services(load_settings(None))
    engine = services.storage.engine
    try:
        with recorded_statements(engine) as statements:
            outcome = services.branch.run(full=False, asked=True, deliver=True)
        if outcome.report.error:
            raise SystemExit(f"the recorded delta pass failed: {outcome.report.error}")
        return full_scans(engine, statements)
    finally:
        services.close()


def _label(size: int) -> str:
    if size % 1_000_000 == 0:
        return f"{size // 1_000_000}M"
    return f"{size // 1000}k" if size % 1000 == 0 else str(size)


class _SapChanges:
    """Changes made in SAP as its users would: invoices edited, payments posted on invoices."""

    def __init__(self, root: str, *, seed: int) -> None:
        self._root = root
        self._rng = random.Random(seed)
        self._round = 0

    def make(self, count: int) -> None:
        self._round += 1
        http = demo_session(self._root)
        http.headers["Prefer"] = "odata.maxpagesize=100000"
        answer = http.get(
            self._root + "Invoices?$select=DocEntry,CardCode&$orderby=DocEntry"
            "&$filter=DocumentStatus eq 'bost_Open' and Cancelled eq 'tNO'"
        )
        answer.raise_for_status()
        chosen = self._rng.sample(answer.json()["value"], count)
        for number, invoice in enumerate(chosen):
            if number % 5 == 4:
                posted = http.post(self._root + "IncomingPayments", data=json.dumps({
                    "CardCode": invoice["CardCode"], "CashSum": 1.0,
                    "PaymentInvoices": [{"DocEntry": invoice["DocEntry"], "SumApplied": 1.0}],
                }))  # fmt: skip
            else:
                posted = http.patch(
                    f"{self._root}Invoices({invoice['DocEntry']})",
                    json={"Comments": f"revisada {self._round}"},
                )
            posted.raise_for_status()
        http.post(self._root + "Logout")
        http.close()


if __name__ == "__main__":
    main()
