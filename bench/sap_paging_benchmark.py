"""Service Layer paging benchmark: the client against a bare requests loop, on the emulator.

Run from the project root:  .venv/bin/python -m bench.sap_paging_benchmark [--invoices 50000]
The emulator runs in its own process (as SAP would), so client and server do not share a GIL.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import requests

from kiosk.sap_b1.client import ServiceLayerClient
from kiosk.sap_b1.config import ServiceLayerConfig
from kiosk.sap_b1.paging import iterate_pages
from kiosk.sap_b1.payloads import INVOICE_FIELDS, select
from kiosk.sap_emulator.server import DEMO_COMPANY, DEMO_PASSWORD, DEMO_USER

RESULTS = Path(__file__).parent / "results"
PAGE_SIZES = (20, 100, 500)
SELECT = select(INVOICE_FIELDS)  # what the client asks for
TARGET_RATIO_AT_500 = 1.3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=3, help="best of N passes per measurement")
    parser.add_argument("--results", type=Path, default=RESULTS, help="folder for the JSON")
    args = parser.parse_args()
    process, root = _start_emulator(args.invoices)
    try:
        figures = _measure(root, args.invoices, args.rounds)
    finally:
        process.terminate()
        process.wait(timeout=10)
    _report(figures, args.results)


def _start_emulator(invoices: int, *options: str) -> tuple[subprocess.Popen[str], str]:
    """The emulator with `invoices` (and `options`, such as --latency-ms) in its own process."""
    command = [
        sys.executable, "-m", "kiosk", "emulator", "--port", "0",
        "--invoices", str(invoices), "--customers", str(max(1, invoices // 20)), *options,
    ]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    first_line = process.stdout.readline()
    match = re.search(r"(http://\S+/b1s/)v2/", first_line)
    if not match:
        process.kill()
        raise SystemExit(f"the emulator did not start: {first_line!r}")
    return process, match.group(1) + "v2/"


def demo_session(root: str) -> requests.Session:
    """A plain requests session logged in to the emulator's demo company."""
    http = requests.Session()
    login = http.post(
        root + "Login",
        json={"CompanyDB": DEMO_COMPANY, "UserName": DEMO_USER, "Password": DEMO_PASSWORD},
    )
    login.raise_for_status()
    http.headers["Cookie"] = f"B1SESSION={login.json()['SessionId']}"
    return http


def _bare_pass(root: str, page_size: int, *, parse: bool) -> int:
    """Fetch every page with a plain requests session; optionally json-parse each page."""
    http = demo_session(root)
    headers = {"Prefer": f"odata.maxpagesize={page_size}"}
    url: str | None = f"{root}Invoices?$select={SELECT}&$orderby=DocEntry"
    count = 0
    while url:
        content = http.get(url, headers=headers).content
        if parse:
            body = json.loads(content)
            count += len(body["value"])
            link = body.get("@odata.nextLink")
        else:
            count += content.count(b'"DocNum":')  # a header field that lines do not have
            match = re.search(rb'"@odata.nextLink":"([^"]+)"', content)
            link = match.group(1).decode() if match else None
        url = urljoin(root, link) if link else None
    http.close()
    return count


def _client_pages_pass(root: str, page_size: int) -> int:
    """The client's paging and exact-Decimal parsing alone, without mapping to the domain."""
    config = ServiceLayerConfig(root, DEMO_COMPANY, DEMO_USER, DEMO_PASSWORD, page_size=page_size)
    client = ServiceLayerClient(config)
    options = {"$select": SELECT, "$orderby": "DocEntry"}
    pages = iterate_pages(client.session, "Invoices", options, page_size=page_size, action="read")
    count = sum(len(page) for page in pages)
    client.close()
    return count


def _client_pass(root: str, page_size: int) -> int:
    config = ServiceLayerConfig(root, DEMO_COMPANY, DEMO_USER, DEMO_PASSWORD, page_size=page_size)
    client = ServiceLayerClient(config)
    count = sum(len(page) for page in client.changed_invoices(None))
    client.close()
    return count


def _best_rates(runs: dict[str, Any], invoices: int, rounds: int) -> dict[str, float]:
    """Each way's best rate over `rounds`, the ways taking turns so that a slow spell of the
    machine falls on all of them alike."""
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(rounds):
        for name, run in runs.items():
            started = time.perf_counter()
            counted = run()
            best[name] = min(best[name], time.perf_counter() - started)
            if counted != invoices:
                raise SystemExit(f"expected {invoices} invoices, counted {counted}")
    return {name: invoices / seconds for name, seconds in best.items()}


def _measure(root: str, invoices: int, rounds: int) -> dict[str, Any]:
    for size in PAGE_SIZES:  # warm the emulator's render cache for every page size
        _bare_pass(root, size, parse=False)
    figures: dict[str, Any] = {"invoices": invoices}
    for size in PAGE_SIZES:
        rates = _best_rates(
            {
                "serving": lambda s=size: _bare_pass(root, s, parse=False),
                "bare": lambda s=size: _bare_pass(root, s, parse=True),
                "no_map": lambda s=size: _client_pages_pass(root, s),
                "client": lambda s=size: _client_pass(root, s),
            },
            invoices,
            rounds,
        )
        figures[f"page_{size}"] = {
            "emulator_serving_invoices_per_second": round(rates["serving"]),
            "bare_fetch_parse_invoices_per_second": round(rates["bare"]),
            "client_fetch_decimal_parse_invoices_per_second": round(rates["no_map"]),
            "client_fetch_parse_map_invoices_per_second": round(rates["client"]),
            "bare_over_client_ratio": round(rates["bare"] / rates["client"], 2),
        }
    return figures


def _report(figures: dict[str, Any], results: Path) -> None:
    print(f"invoices: {figures['invoices']:,} (with lines), emulator in its own process")
    print(
        f"{'page':>5}  {'emulator/s':>11}  {'bare/s':>9}  {'no-map/s':>9}  {'client/s':>9}  "
        f"{'ratio':>6}"
    )
    for size in PAGE_SIZES:
        row = figures[f"page_{size}"]
        print(
            f"{size:>5}  {row['emulator_serving_invoices_per_second']:>11,}  "
            f"{row['bare_fetch_parse_invoices_per_second']:>9,}  "
            f"{row['client_fetch_decimal_parse_invoices_per_second']:>9,}  "
            f"{row['client_fetch_parse_map_invoices_per_second']:>9,}  "
            f"{row['bare_over_client_ratio']:>6}"
        )
    ratio = figures["page_500"]["bare_over_client_ratio"]
    verdict = "met" if ratio <= TARGET_RATIO_AT_500 else "MISSED"
    print(f"client within {ratio}x of the bare ceiling at page size 500: target <= 1.3x {verdict}")
    results.mkdir(parents=True, exist_ok=True)
    (results / "sap_paging_benchmark.json").write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
