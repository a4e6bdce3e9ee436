"""Sync benchmark: initial sync of 50,000 invoices into an empty cache, then a 100-invoice delta.

Run from the project root:  .venv/bin/python -m bench.sync_benchmark [--invoices 50000]
The emulator runs in its own process; each sync runs as `kiosk sync --json` in a child process.
With `--latency-ms 200` the emulator answers each request 200 ms late, as a real Service Layer
does, and the benchmark times the first download one page after another
(`sap.max_parallel_requests` 1) against the default parallel windows, after a first download
that warms the emulator; results in sync_latency_benchmark.json.
Each round measures a bare fetch+parse pass, then an initial sync into a fresh cache, so the
ratio compares passes run moments apart; the median round is reported, with the spread. Peak
RSS adds up the sync's process tree (the sync, its cache writer, multiprocessing's resource
tracker), sampled from /proc every 10 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench.figures import report
from bench.sap_paging_benchmark import _bare_pass, _start_emulator, demo_session
from kiosk.sap_emulator.server import DEMO_COMPANY, DEMO_PASSWORD, DEMO_USER

RESULTS = Path(__file__).parent / "results"
PAGE_SIZE = 500
TARGETS = {"ratio_to_bare_fetch_parse": 0.7, "peak_rss_mb": 250, "delta_seconds": 2.0}
LATENCY_TARGETS = {"parallel_download_seconds": 8.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=50_000)
    parser.add_argument("--changed", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--results", type=Path, default=RESULTS, help="folder for the JSON")
    parser.add_argument("--latency-ms", type=float, default=0, help="per request, in SAP")
    parser.add_argument("--row-cost-ms", type=float, default=0, help="per record answered")
    args = parser.parse_args()
    load = ("--latency-ms", str(args.latency_ms), "--row-cost-ms", str(args.row_cost_ms))
    emulator, root = _start_emulator(args.invoices, *load)
    try:
        with tempfile.TemporaryDirectory() as folder:
            if args.latency_ms or args.row_cost_ms:
                figures = _measure_at_latency(root, Path(folder), args)
                targets, results = LATENCY_TARGETS, "sync_latency_benchmark.json"
            else:
                figures = _measure(root, Path(folder), args.invoices, args.changed, args.rounds)
                targets, results = TARGETS, "sync_benchmark.json"
    finally:
        emulator.terminate()
        emulator.wait(timeout=10)
    report(figures, targets, args.results / results)


def _measure_at_latency(root: str, folder: Path, args: argparse.Namespace) -> dict[str, Any]:
    """First downloads against a slow SAP: one page after another, then in parallel."""
    timed: dict[str, tuple[dict[str, Any], float]] = {}
    for name, parallel in (("warm-up", 4), ("serial", 1), ("parallel", 4)):
        initial, _rss, wall = _first_download(
            root, folder / name, KIOSK_SAP__MAX_PARALLEL_REQUESTS=str(parallel)
        )
        if initial["stored"]["invoices"] != args.invoices:
            raise SystemExit(f"the {name} download stored {initial['stored']['invoices']}")
        timed[name] = initial, wall
    serial, parallel = timed["serial"][0]["seconds"], timed["parallel"][0]["seconds"]
    return {
        "invoices": args.invoices,
        "page_size": PAGE_SIZE,
        "latency_ms_per_request": args.latency_ms,
        "row_cost_ms": args.row_cost_ms,
        "serial_download_seconds": round(serial, 2),
        "serial_download_process_seconds": round(timed["serial"][1], 2),
        "parallel_download_seconds": round(parallel, 2),
        "parallel_download_process_seconds": round(timed["parallel"][1], 2),
        "parallel_requests": 4,
        "parallel_speed_up": round(serial / parallel, 2),
    }


def _measure(root: str, folder: Path, invoices: int, changed: int, rounds: int) -> dict[str, Any]:
    # Warm the emulator's render cache for both ways of asking: the bare pass's pages, and
    # the windows of DocEntry a first download asks for (else the first round renders them).
    _bare_pass(root, PAGE_SIZE, parse=False)
    _first_download(root, folder / "warm-up")
    measured = []
    for number in range(rounds):
        started = time.perf_counter()
        _bare_pass(root, PAGE_SIZE, parse=True)
        bare_rate = invoices / (time.perf_counter() - started)
        environment = sync_environment(root, folder / f"round{number}")
        initial, rss, wall = _first_download(root, folder / f"round{number}")
        if initial["stored"]["invoices"] != invoices:
            raise SystemExit(f"the initial sync stored {initial['stored']['invoices']} invoices")
        sync_rate = invoices / initial["seconds"]
        measured.append({"ratio": sync_rate / bare_rate, "bare_rate": bare_rate,
                         "sync_rate": sync_rate, "seconds": initial["seconds"], "rss": rss,
                         "wall": wall})  # fmt: skip
    measured.sort(key=lambda figures: figures["ratio"])
    median = measured[rounds // 2]
    _change_invoices(root, changed, invoices)
    delta, delta_rss, delta_wall = _sync(environment)  # on the last round's cache
    if delta["stored"]["invoices"] < changed:
        raise SystemExit(f"the delta sync stored {delta['stored']['invoices']} invoices")
    return {
        "invoices": invoices,
        "page_size": PAGE_SIZE,
        "rounds": rounds,
        "bare_fetch_parse_invoices_per_second": round(median["bare_rate"]),
        "initial_sync_invoices_per_second": round(median["sync_rate"]),
        "ratio_to_bare_fetch_parse": round(median["ratio"], 2),
        "ratio_lowest_round": round(measured[0]["ratio"], 2),
        "ratio_highest_round": round(measured[-1]["ratio"], 2),
        "initial_sync_seconds": round(median["seconds"], 2),
        "initial_sync_process_seconds": round(median["wall"], 2),
        "peak_rss_mb": round(max(figures["rss"] for figures in measured), 1),
        "delta_changed_invoices": changed,
        "delta_pulled_invoices": delta["pulled"]["invoices"],
        "delta_stored_invoices": delta["stored"]["invoices"],
        "delta_seconds": round(delta["seconds"], 2),
        "delta_process_seconds": round(delta_wall, 2),
        "delta_peak_rss_mb": round(delta_rss, 1),
    }


def _first_download(
    root: str, folder: Path, **settings: str
) -> tuple[dict[str, Any], float, float]:
    """A first download into a new cache in `folder`: `_sync`'s report, peak RSS and wall time."""
    environment = {**sync_environment(root, folder), **settings}
    subprocess.run([sys.executable, "-m", "kiosk", "db", "upgrade"], env=environment,
                   check=True, capture_output=True)  # fmt: skip
    return _sync(environment)


def sync_environment(root: str, folder: Path) -> dict[str, str]:
    """Settings for a `kiosk sync` child: a cache in `folder`, the emulator at `root`."""
    return {
        **os.environ,
        "KIOSK_DATABASE__URL": f"sqlite:///{folder / 'cache.sqlite3'}",
        "KIOSK_LOGGING__DIRECTORY": str(folder / "logs"),
        "KIOSK_SAP__BASE_URL": root,
        "KIOSK_SAP__COMPANY_DB": DEMO_COMPANY,
        "KIOSK_SAP__USERNAME": DEMO_USER,
        "KIOSK_SAP__PASSWORD": DEMO_PASSWORD,
        "KIOSK_SAP__PAGE_SIZE": str(PAGE_SIZE),
    }


def _sync(environment: dict[str, str]) -> tuple[dict[str, Any], float, float]:
    """Run `kiosk sync --json`: its report, the peak RSS (MB) of its process tree, its wall time."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "sync", "--json"], env=environment,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    peak = [0]
    sampler = threading.Thread(target=_sample_rss, args=(process, peak), daemon=True)
    sampler.start()
    out, err = process.communicate()
    wall = time.perf_counter() - started
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"kiosk sync failed: {err.decode()}")
    return json.loads(out), peak[0] / 1024, wall


def _sample_rss(process: subprocess.Popen[bytes], peak: list[int]) -> None:
    """Every 10 ms, add up the resident memory (kB) of the process and its descendants."""
    while process.poll() is None:
        peak[0] = max(peak[0], sum(_rss_kb(pid) for pid in _tree(process.pid)))
        time.sleep(0.01)


def _tree(pid: int) -> list[int]:
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return [pid]
    return [pid, *(descendant for child in children for descendant in _tree(int(child)))]


def _rss_kb(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    line = next((line for line in status.splitlines() if line.startswith("VmRSS:")), "")
    return int(line.split()[1]) if line else 0


def _change_invoices(root: str, count: int, invoices: int) -> None:
    """Change `count` invoices in SAP the way a clerk there would (a PATCH each)."""
    http = demo_session(root)
    step = max(1, invoices // count)
    for doc_entry in range(1, step * count + 1, step):
        answer = http.patch(f"{root}Invoices({doc_entry})", json={"Comments": "revisada"})
        answer.raise_for_status()
    http.close()


if __name__ == "__main__":
    main()
