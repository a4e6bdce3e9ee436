"""Branch benchmark: kiosks identifying customers on one PostgreSQL cache during its first download.

Run from the project root, with a PostgreSQL server the benchmark may create a database on:
  KIOSK_BENCH_POSTGRES_URL=postgresql+psycopg:///bench_branch?host=/var/run/postgresql \\
  .venv/bin/python -m bench.branch_benchmark [--invoices 50000] [--clients 4]

The emulator (its own process) holds the company, and one bare pass over its invoices warms its
page cache, so neither download pays for rendering them. Then, for a SQLite file and for the
PostgreSQL database (dropped and created anew), an empty cache is upgraded (`kiosk db upgrade`)
and `kiosk sync --json` runs the first download of every invoice, whose throughput comes from
the sync's own report. All the while, client processes (`--client`: `--clients` on PostgreSQL,
one on SQLite, which a branch does not share) do what a kiosk does when a customer identifies,
and time it from the identify call to the last read the invoice list screen starts:
`services.identification.identify(tax_id, invoice_number)` (the sync cursor, the customer by
code and by tax ID, the invoice by number, the IDENTIFIED tracking event it writes, the list of
up to 200 invoices), then the list's dispute notices and e-billing offer
(`services.disputes.unseen_notices`, `services.enrolment.offer`). `*_identify_p95_ms` is the
identify call alone: the moment the list can appear.

Nothing is written into the cache before the download, so it stays a first download into empty
tables: the sync stores the customers before any invoice, then each page of invoices in its
own transaction as it arrives. A client waits for the first stored invoice, then on each turn
picks one of the invoices stored so far (a random DocEntry up to the highest) and identifies
its customer by tax ID and that invoice's number, so every identification succeeds and reads
what the sync is writing. A kiosk refuses to identify anyone until its first download has
finished (`CustomerIdentification.invoices_downloaded`), so the clients read that cursor as
identify does and then identify through the same service built without the wait (no cursor
store, as for a kiosk without SAP): the same reads and writes, against the heaviest writer a
branch's cache has; a branch really meets this load during a delta or a full pass.

Each client pauses `--pause-ms` (250) between identifications: four a second per kiosk, many
times what a shop's queue brings, which leaves the two cores of the test machine to the sync
too. The downloads are timed under that load (more clients on PostgreSQL than on SQLite).
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
from bench.sap_paging_benchmark import _bare_pass, _start_emulator
from bench.sync_benchmark import PAGE_SIZE, sync_environment

RESULTS = Path(__file__).parent / "results"
TARGETS = {"postgres_identify_to_list_p95_ms": 50, "postgres_download_slowdown": 1.5}
READY = "ready"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=50_000)
    parser.add_argument("--clients", type=int, default=4, help="kiosks on PostgreSQL")
    parser.add_argument("--pause-ms", type=int, default=250, help="between identifications")
    parser.add_argument("--postgres-url", default=os.environ.get("KIOSK_BENCH_POSTGRES_URL"))
    parser.add_argument("--results", type=Path, default=RESULTS, help="folder for the JSON")
    parser.add_argument("--client", metavar="STOP_FILE", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        print(json.dumps(_identify_until(args.client, args.pause_ms / 1000)))
        return
    if not args.postgres_url:
        raise SystemExit("branch_benchmark: give --postgres-url or set KIOSK_BENCH_POSTGRES_URL")
    emulator, root = _start_emulator(args.invoices)
    try:
        _bare_pass(root, PAGE_SIZE, parse=False)  # warm the emulator's render cache
        with tempfile.TemporaryDirectory() as folder:
            figures = _measure(root, Path(folder), args)
    finally:
        emulator.terminate()
        emulator.wait(timeout=10)
    report(figures, TARGETS, args.results / "branch_benchmark.json")


def _measure(root: str, folder: Path, args: argparse.Namespace) -> dict[str, Any]:
    sqlite_url = f"sqlite:///{folder / 'cache.sqlite3'}"
    sqlite = _first_download(root, folder / "sqlite", sqlite_url, 1, args)
    _recreate(args.postgres_url)
    postgres = _first_download(root, folder / "postgres", args.postgres_url, args.clients, args)
    figures: dict[str, Any] = {
        "invoices": args.invoices,
        "postgres_clients": args.clients,
        "pause_between_identifications_ms": args.pause_ms,
    }
    for name, measured in (("postgres", postgres), ("sqlite", sqlite)):
        listed, shown = measured["listed"], measured["shown"]
        figures[f"{name}_identifications"] = len(listed)
        figures[f"{name}_identify_to_list_p50_ms"] = _percentile(listed, 0.50)
        figures[f"{name}_identify_to_list_p95_ms"] = _percentile(listed, 0.95)
        figures[f"{name}_identify_p95_ms"] = _percentile(shown, 0.95)
    postgres_rate = args.invoices / postgres["seconds"]
    sqlite_rate = args.invoices / sqlite["seconds"]
    figures["postgres_download_invoices_per_second"] = round(postgres_rate)
    figures["sqlite_download_invoices_per_second"] = round(sqlite_rate)
    figures["postgres_download_slowdown"] = round(sqlite_rate / postgres_rate, 2)
    return figures


def _first_download(
    root: str, folder: Path, url: str, clients: int, args: argparse.Namespace
) -> dict[str, Any]:
    """The first download into `url`, timed, with `clients` kiosks identifying meanwhile."""
    environment = {**sync_environment(root, folder), "KIOSK_DATABASE__URL": url}
    folder.mkdir(parents=True)
    subprocess.run([sys.executable, "-m", "kiosk", "db", "upgrade"], env=environment,
                   check=True, capture_output=True)  # fmt: skip
    stop = folder / "download-finished"
    command = [sys.executable, "-m", "bench.branch_benchmark", "--client", str(stop),
               "--pause-ms", str(args.pause_ms)]  # fmt: skip
    kiosks = []
    for number in range(2, clients + 2):  # kiosk 1 is the one that syncs
        kiosk = subprocess.Popen(
            command, env={**environment, "KIOSK_PAYMENTS__KIOSK_NUMBER": str(number)},
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        kiosks.append(kiosk)
    try:
        # Their start-up is not the download's: it begins once every client is ready.
        ready = all(_ready(kiosk) for kiosk in kiosks)
        download = _sync(environment) if ready else None
    finally:
        stop.touch()
        answers = [kiosk.communicate(timeout=60) for kiosk in kiosks]
    for kiosk, (_, err) in zip(kiosks, answers, strict=True):
        if kiosk.returncode != 0:
            raise SystemExit(f"an identifying client failed: {err}")
    if download is None:
        raise SystemExit("an identifying client did not start")
    if download["stored"]["invoices"] != args.invoices:
        raise SystemExit(f"the first download stored {download['stored']['invoices']} invoices")
    measured: dict[str, Any] = {"listed": [], "shown": [], "seconds": download["seconds"]}
    for out, _ in answers:
        timings = json.loads(out.strip().splitlines()[-1])
        measured["listed"] += timings["listed"]
        measured["shown"] += timings["shown"]
    return measured


def _ready(kiosk: subprocess.Popen[str]) -> bool:
    """Wait for a client to say it has built its services."""
    assert kiosk.stdout is not None
    return kiosk.stdout.readline().strip() == READY


def _sync(environment: dict[str, str]) -> dict[str, Any]:
    """`kiosk sync --json` in a child process: its report."""
    done = subprocess.run([sys.executable, "-m", "kiosk", "sync", "--json"], env=environment,
                          capture_output=True, text=True)  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"kiosk sync failed: {done.stderr}")
    return dict(json.loads(done.stdout))


def _identify_until(stop: Path, pause: float) -> dict[str, list[float]]:
    """In a client process: identify customers of stored invoices until `stop` exists; the ms
    from identify to the list's last read ("listed") and to identify's answer ("shown")."""
    from sqlalchemy import text

    from kiosk.app.settings import load_settings
    from kiosk.app.wiring import build_services
    from kiosk.cfdi.rfc import check_rfc
    from kiosk.services.customer_identification import CustomerIdentification

    services = build_services(load_settings(None))
    storage = services.storage
    # The kiosk's identification without the wait for the first download (see the docstring).
    identification = CustomerIdentification(
        storage.invoices, services.clock, None, check_rfc, tracking=services.tracking
    )
    highest = text("SELECT max(doc_entry) FROM invoices")
    pick = text(
        "SELECT c.tax_id, i.doc_num FROM invoices i JOIN customers c ON c.code = i.customer_code"
        " WHERE i.doc_entry = :entry"
    )
    print(READY, flush=True)
    rng = random.Random(os.getpid())
    timings: dict[str, list[float]] = {"listed": [], "shown": []}
    while not stop.exists():
        with storage.engine.connect() as connection:
            stored = connection.execute(highest).scalar()
            found = stored and connection.execute(pick, {"entry": rng.randint(1, stored)}).first()
        if not found:
            time.sleep(0.02)  # no invoice stored yet
            continue
        started = time.perf_counter()
        services.identification.invoices_downloaded()  # read, as identify does; False for now
        customer = identification.identify(found.tax_id, str(found.doc_num)).customer
        shown = time.perf_counter()
        services.disputes.unseen_notices(customer.code)
        services.enrolment.offer(customer.code)
        listed = time.perf_counter()
        timings["shown"].append((shown - started) * 1000)
        timings["listed"].append((listed - started) * 1000)
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
    """The median, or the nearest-rank value below `share` of them (as gui_benchmark does)."""
    if not timings:
        return 0.0
    ordered = sorted(timings)
    if share == 0.50:
        return round(statistics.median(ordered), 2)
    return round(ordered[max(0, int(len(ordered) * share) - 1)], 2)


if __name__ == "__main__":
    main()
