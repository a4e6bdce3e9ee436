"""Kiosk window benchmark: cold start to the welcome screen, peak memory with a large cache, and
the time from the identify step's Continue to the invoice list on screen.

Run from the project root:  .venv/bin/python -m bench.gui_benchmark [--invoices 1000000]
(the cache is built first if the file is missing; the cache benchmark leaves one to reuse).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.figures import report

RESULTS = Path(__file__).parent / "results"
TARGETS = {
    "cold_start_median_s": 1.5,
    "peak_rss_mb": 250,
    "identify_to_list_p95_ms": 150,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--database", type=Path, default=Path("build/bench/cache.sqlite3"))
    parser.add_argument("--starts", type=int, default=7, help="cold starts timed")
    parser.add_argument("--identifies", type=int, default=50, help="customers identified")
    parser.add_argument("--results", type=Path, default=RESULTS, help="folder for the JSON")
    parser.add_argument("--measure-identify", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure_identify:
        print(json.dumps(_measure_identify(args.database, args.identifies)))
        return

    if not args.database.exists():
        _build_cache(args.database, args.invoices)
    environment = {
        **os.environ,
        "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
        "KIOSK_DATABASE__URL": f"sqlite:///{args.database.resolve()}",
    }
    kiosk = str(Path(sys.executable).with_name("kiosk"))
    _child([kiosk, "db", "upgrade"], environment)
    starts = [_child([kiosk, "--smoke-test"], environment) for _ in range(args.starts)]
    identify_command = [
        sys.executable, "-m", "bench.gui_benchmark", "--measure-identify",
        "--database", str(args.database), "--identifies", str(args.identifies),
    ]  # fmt: skip
    identify_run = subprocess.run(identify_command, env=environment, capture_output=True, text=True)
    if identify_run.returncode != 0:
        raise SystemExit(f"timing identify failed: {identify_run.stderr}")
    measured = json.loads(identify_run.stdout.strip().splitlines()[-1])
    start_seconds = [seconds for seconds, _ in starts]
    figures: dict[str, Any] = {
        "invoices_in_cache": measured["invoices"],
        "cold_start_median_s": round(statistics.median(start_seconds), 3),
        "cold_start_max_s": round(max(start_seconds), 3),
        "start_rss_mb": round(max(rss for _, rss in starts), 1),
        "peak_rss_mb": round(max(measured["peak_rss_mb"], *(rss for _, rss in starts)), 1),
        "identify_to_list_p50_ms": measured["p50_ms"],
        "identify_to_list_p95_ms": measured["p95_ms"],
        "identified_customers": measured["customers"],
    }
    report(figures, TARGETS, args.results / "gui_benchmark.json")


def _child(command: list[str], environment: dict[str, str]) -> tuple[float, float]:
    """Run a command; return its wall time in seconds and its peak RSS in MB."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    stderr = process.stderr.read().decode() if process.stderr else ""
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}): {stderr}")
    return seconds, usage.ru_maxrss / 1024


def _measure_identify(database: Path, count: int) -> dict[str, Any]:
    """In this process: the real window over the cache, Continue tapped for `count` customers."""
    import resource

    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    from kiosk.app.gui import build_window
    from kiosk.app.settings import load_settings
    from kiosk.app.wiring import build_services
    from kiosk.ui.background import TaskRunner

    app = QApplication(sys.argv[:1])
    settings = load_settings(None)
    services = build_services(settings)
    runner = TaskRunner()
    window = build_window(settings, services, runner)
    window.resize(1280, 800)
    window.show()
    app.processEvents()
    customers = services.storage.invoices.counts()["customers"]
    rng = random.Random(5)
    timings = []
    for _ in range(count):
        code = f"C{rng.randrange(1, customers + 1):06d}"
        owned = services.storage.invoices.invoices_for_customer(code, limit=1, with_lines=False)
        customer = services.storage.invoices.customer(code)
        if not owned or customer is None:
            continue
        window.reset()
        window.welcome.find_button.click()
        window.identify.who.setText(customer.tax_id)
        window.identify.invoice_number.setText(str(owned[0].doc_num))
        app.processEvents()
        started = time.perf_counter()
        window.identify.continue_button.click()
        while window.stack.currentWidget() is not window.invoices:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
            if window.identify.message.text() not in ("", window.texts["busy"]):
                raise SystemExit(f"{code}: {window.identify.message.text()}")
        window.invoices.repaint()  # the list is painted, not only switched to
        timings.append((time.perf_counter() - started) * 1000)
    runner.shutdown()
    timings.sort()
    return {
        "invoices": services.storage.invoices.counts()["invoices"],
        "customers": len(timings),
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[max(0, int(len(timings) * 0.95) - 1)], 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def _build_cache(database: Path, invoices: int) -> None:
    database.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "bench.demo_cache", str(database), "--invoices", str(invoices)],
        check=True,
    )


if __name__ == "__main__":
    main()
