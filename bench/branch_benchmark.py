"""Branch benchmark: kiosks identifying customers on one cache while another client syncs.

Run from the project root, with a PostgreSQL server the benchmark may create a database on:
  KIOSK_BENCH_POSTGRES_URL=postgresql+psycopg:///bench_branch?host=/var/run/postgresql \\
  .venv/bin/python -m bench.branch_benchmark [--invoices 50000] [--clients 4]

The emulator (its own process) holds the company. For each cache, an empty database is
upgraded and `kiosk sync --json` runs the first download of every invoice: its throughput, from
the sync's own report, gives the PostgreSQL slowdown. Then `kiosk sync --full` reads and writes
all of them again, and meanwhile client processes (`--client`) identify customers the way the
kiosk's identification screen does (`CustomerIdentification.identify`: the customer and their
invoice list, open and overdue first; a kiosk refuses to identify before its first download has
finished, hence the full pass as the load). Each picks a random cached invoice and identifies
its customer by tax ID and invoice number, so every lookup succeeds and reads a different
customer, then waits `--pause-ms` (250: four identifications a second per kiosk, many times
what a shop's queue brings, and leaving the two cores of the test machine to the sync too).
PostgreSQL runs `--clients` of them, the SQLite baseline one (a SQLite cache has one client).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.figures import report
from bench.sap_paging_benchmark import _start_emulator
from bench.sync_benchmark import sync_environment

RESULTS = Path(__file__).parent / "results"
TARGETS = {"postgres_identify_to_list_p95_ms": 50, "postgres_download_slowdown": 1.5}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=50_000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--pause-ms", type=int, default=250, help="between identifications")
    parser.add_argument("--postgres-url", default=os.environ.get("KIOSK_BENCH_POSTGRES_URL"))
    parser.add_argument("--results", type=Path, default=RESULTS, help="folder for the JSON")
    parser.add_argument("--client", metavar="STOP_FILE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        print(json.dumps(_identify_until(Path(args.client), args.pause_ms / 1000)))
        return
    if not args.postgres_url:
        raise SystemExit("branch_benchmark: give --postgres-url or KIOSK_BENCH_POSTGRES_URL")
    emulator, root = _start_emulator(args.invoices)
    try:
        with tempfile.TemporaryDirectory() as folder:
            figures = _measure(root, Path(folder), args)
    finally:
        emulator.terminate()
        emulator.wait(timeout=10)
    report(figures, TARGETS, args.results / "branch_benchmark.json")


def _measure(root: str, folder: Path, args: argparse.Namespace) -> dict[str, Any]:
    # The emulator renders a page once per $select and keeps it: a first download into a
    # scratch cache warms it, so neither measured download pays for rendering.
    warm = folder / "warm"
    warm.mkdir()
    _sync({**sync_environment(root, warm), "KIOSK_DATABASE__URL": f"sqlite:///{warm / 'c.db'}"},
          "--no-deliver")  # fmt: skip
    sqlite = _run_cache(
        root, folder / "sqlite", f"sqlite:///{folder / 'cache.sqlite3'}", 1, args.pause_ms
    )
    _recreate(args.postgres_url)
    postgres = _run_cache(root, folder / "postgres", args.postgres_url, args.clients, args.pause_ms)
    return {
        "invoices": args.invoices,
        "postgres_clients": args.clients,
        "pause_between_identifications_ms": args.pause_ms,
        "postgres_identifications": len(postgres["timings"]),
        "postgres_identify_to_list_p50_ms": _percentile(postgres["timings"], 0.50),
        "postgres_identify_to_list_p95_ms": _percentile(postgres["timings"], 0.95),
        "sqlite_identifications": len(sqlite["timings"]),
        "sqlite_identify_to_list_p50_ms": _percentile(sqlite["timings"], 0.50),
        "sqlite_identify_to_list_p95_ms": _percentile(sqlite["timings"], 0.95),
        "postgres_download_invoices_per_second": round(args.invoices / postgres["seconds"]),
        "sqlite_download_invoices_per_second": round(args.invoices / sqlite["seconds"]),
        "postgres_download_slowdown": round(postgres["seconds"] / sqlite["seconds"], 2),
    }


def _run_cache(root: str, folder: Path, url: str, clients: int, pause_ms: int) -> dict[str, Any]:
    """The first download into `url`, with `clients` identifying meanwhile."""
    environment = {**sync_environment(root, folder), "KIOSK_DATABASE__URL": url}
    folder.mkdir(parents=True)
    subprocess.run([sys.executable, "-m", "kiosk", "db", "upgrade"], env=environment,
                   check=True, capture_output=True)  # fmt: skip
    first = _sync(environment, "--no-deliver")
    stop = folder / "sync-done"
    identifying = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bench.branch_benchmark",
                "--client",
                str(stop),
                "--pause-ms",
                str(pause_ms),
            ],
            env={**environment, "KIOSK_PAYMENTS__KIOSK_NUMBER": str(number + 2)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for number in range(clients)
    ]
    try:
        _sync(environment, "--no-deliver", "--full")
    finally:
        stop.touch()
    timings: list[float] = []
    for client in identifying:
        out, err = client.communicate(timeout=120)
        if client.returncode != 0:
            raise SystemExit(f"an identifying client failed: {err}")
        timings += json.loads(out.strip().splitlines()[-1])
    return {"timings": timings, "seconds": first["seconds"]}


def _sync(environment: dict[str, str], *options: str) -> dict[str, Any]:
    """`kiosk sync --json` with `options`: its report."""
    done = subprocess.run([sys.executable, "-m", "kiosk", "sync", "--json", *options],
                          env=environment, capture_output=True, text=True)  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"kiosk sync {' '.join(options)} failed: {done.stderr}")
    return dict(json.loads(done.stdout))


def _identify_until(stop: Path, pause: float) -> list[float]:
    """In a client process: identify random customers until `stop` exists; each in ms."""
    from sqlalchemy import text

    from kiosk.app.settings import load_settings
    from kiosk.app.wiring import build_services

    services = build_services(load_settings(None))
    pick = text(
        "SELECT c.tax_id, i.doc_num FROM invoices i JOIN customers c ON c.code = i.customer_code"
        " WHERE i.doc_entry = :entry"
    )
    rng, timings = random.Random(os.getpid()), []
    cached = services.storage.invoices.counts()["invoices"]
    while not stop.exists():
        with services.storage.engine.connect() as connection:
            found = connection.execute(pick, {"entry": rng.randrange(1, cached + 1)}).first()
        if found is None:
            continue
        started = time.perf_counter()
        services.identification.identify(found.tax_id, str(found.doc_num))
        timings.append((time.perf_counter() - started) * 1000)
        time.sleep(pause)
    services.close()
    return timings


def _recreate(url: str) -> None:
    """An empty database at `url`, made anew on its server."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    target = make_url(url)
    server = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{target.database}"')
    server.dispose()


def _percentile(timings: list[float], share: float) -> float:
    if not timings:
        return 0.0
    ordered = sorted(timings)
    if share == 0.50:
        return round(statistics.median(ordered), 2)
    return round(ordered[max(0, int(len(ordered) * share) - 1)], 2)


if __name__ == "__main__":
    main()
