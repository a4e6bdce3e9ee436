"""How fast the initial sync could be if storing cost nothing: the ceiling a writer process has.

Run from the project root:  .venv/bin/python -m bench.sync_ceiling_benchmark [--rounds 3]
Each round runs, in this order, a bare fetch+parse pass, the real `kiosk sync` and the same sync
with the SQLite writes of invoices replaced by building their rows and pickling them, which is
what handing them to a separate writer process would still cost. Best of the rounds is shown.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.figures import report
from bench.sap_paging_benchmark import _bare_pass, _start_emulator
from bench.sync_benchmark import PAGE_SIZE, RESULTS, sync_environment

# Runs in the child: the invoice store keeps building rows but never writes them.
WITHOUT_WRITES = """
import pickle, sys
from kiosk.storage import invoice_store
from kiosk.storage.mapping import invoice_line_values, invoice_values

def rows_only(self, pulled, seen_pass):
    written = 0
    for batch in invoice_store._batches(pulled):
        headers = [invoice_values(p.value, p.updated_at, p.data_version, seen_pass) for p in batch]
        lines = [line for p in batch for line in invoice_line_values(p.value)]
        pickle.dumps((headers, lines), protocol=pickle.HIGHEST_PROTOCOL)
        written += len(batch)
    return written

invoice_store.SqlInvoiceStore.store_pulled_invoices = rows_only
from kiosk.app.main import run
sys.exit(run(["sync", "--json", "--no-deliver"]))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--results", type=Path, default=RESULTS, help="folder for the JSON")
    args = parser.parse_args()
    emulator, root = _start_emulator(args.invoices)
    seconds: dict[str, list[float]] = {"bare": [], "sync": [], "sync_without_writes": []}
    try:
        _bare_pass(root, PAGE_SIZE, parse=False)  # warm the emulator's render cache
        for _round in range(args.rounds):
            started = time.perf_counter()
            _bare_pass(root, PAGE_SIZE, parse=True)
            seconds["bare"].append(time.perf_counter() - started)
            seconds["sync"].append(_sync_seconds(root, ["-m", "kiosk"]))
            seconds["sync_without_writes"].append(_sync_seconds(root, ["-c", WITHOUT_WRITES]))
    finally:
        emulator.terminate()
        emulator.wait(timeout=10)
    bare = min(seconds["bare"])
    figures = {"invoices": args.invoices, "rounds": args.rounds, "bare_seconds": round(bare, 2)}
    for name in ("sync", "sync_without_writes"):
        figures[f"{name}_seconds"] = round(min(seconds[name]), 2)
        figures[f"{name}_ratio_to_bare"] = round(bare / min(seconds[name]), 3)
    report(figures, {}, args.results / "sync_ceiling_benchmark.json")


def _sync_seconds(root: str, program: list[str]) -> float:
    """The pass's own time as `kiosk sync --json` reports it, in a fresh cache."""
    with tempfile.TemporaryDirectory() as folder:
        environment = sync_environment(root, Path(folder))
        subprocess.run([sys.executable, "-m", "kiosk", "db", "upgrade"], env=environment,
                       check=True, capture_output=True)  # fmt: skip
        command = [sys.executable, *program]
        if program[0] == "-m":
            command += ["sync", "--json", "--no-deliver"]
        done = subprocess.run(command, env=environment, capture_output=True, check=False)
        if done.returncode != 0:
            raise SystemExit(f"kiosk sync failed: {done.stderr.decode()}")
        return float(json.loads(done.stdout)["seconds"])


if __name__ == "__main__":
    main()
