"""A first download read in parallel windows: killed at random moments it resumes with exactly
SAP's invoices, and it reads fewer pages at once when SAP says it is overloaded."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from urllib.parse import unquote

import pytest
from sqlalchemy import text

from kiosk.sap_emulator.clock import EmulatorClock
from kiosk.sap_emulator.data_store import EmulatorData
from kiosk.sap_emulator.demo_data import seed_demo_company
from kiosk.sap_emulator.server import ServiceLayerEmulator
from tests.integration.sync.conftest import CUSTOMERS, SAP_NOW

INVOICES = 3000
PAGE = 50
PARALLEL = 4
WINDOW_ASKED = "DocEntry ge "


@pytest.fixture
def emulator() -> Iterator[ServiceLayerEmulator]:
    """A company big enough that a download at 20 ms a request takes a few seconds."""
    data = EmulatorData(EmulatorClock(frozen_at=SAP_NOW))
    seed_demo_company(data, customers=CUSTOMERS, invoices=INVOICES)
    with ServiceLayerEmulator(data) as running:
        running.load.latency_seconds = 0.02
        yield running


def sap_invoices(emulator) -> dict[int, int]:
    """Each invoice in SAP and how many lines it has."""
    records = emulator.data.query("Invoices", None, [], False)
    return {record["DocEntry"]: len(record["DocumentLines"]) for record in records}


def cached_invoices(kiosk) -> dict[int, int]:
    with kiosk.services.storage.invoices.engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT i.doc_entry, count(l.line_number) FROM invoices i "
                "LEFT JOIN invoice_lines l ON l.doc_entry = i.doc_entry GROUP BY i.doc_entry"
            )
        )
        return {entry: lines for entry, lines in rows}


def windows_asked(emulator) -> Counter[str]:
    """How often each window of DocEntries was asked for."""
    asked: Counter[str] = Counter()
    for method, path in emulator.faults.seen:
        query = unquote(path)
        if method == "GET" and query.startswith("Invoices?") and WINDOW_ASKED in query:
            asked[query.split(WINDOW_ASKED, 1)[1].split("&", 1)[0]] += 1
    return asked


def sync_in_a_process() -> subprocess.Popen[bytes]:
    environment = {
        **os.environ,
        "KIOSK_SAP__PAGE_SIZE": str(PAGE),
        "KIOSK_SAP__MAX_PARALLEL_REQUESTS": str(PARALLEL),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "kiosk", "sync", "--no-deliver"],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


@pytest.mark.parametrize("api_version", ["v2"], indirect=True)
@pytest.mark.parametrize(
    ("cache_backend", "seed"),
    [("sqlite", 3), ("sqlite", 11), ("sqlite", 29), ("postgresql", 3)],
    indirect=["cache_backend"],
)
def test_a_download_killed_at_random_moments_ends_with_exactly_sap_invoices(kiosk, emulator, seed):
    rng, kills = random.Random(seed), 0
    for _ in range(2):
        # A random moment of the download, by what SAP was asked (not by a clock, which a
        # faster machine would outrun): after a random number of windows more.
        wanted = sum(windows_asked(emulator).values()) + rng.randrange(2, INVOICES // PAGE // 3)
        sync = sync_in_a_process()
        while sync.poll() is None and sum(windows_asked(emulator).values()) < wanted:
            time.sleep(0.005)
        if sync.poll() is not None:
            sync.communicate()
            break
        os.kill(sync.pid, signal.SIGKILL)
        sync.communicate()
        kills += 1
    finished = sync_in_a_process()
    _, err = finished.communicate(timeout=120)

    assert finished.returncode == 0, err.decode()
    assert kills >= 1, "every download finished before it could be killed"
    assert cached_invoices(kiosk) == sap_invoices(emulator)  # none missing, none extra
    cursor = kiosk.services.storage.cursors.cursor("invoices")
    assert cursor.last_success_at is not None and cursor.stored_windows == ()
    asked = windows_asked(emulator)
    assert len(asked) == INVOICES // PAGE
    # Read again: at most the windows in flight, or stored but not yet committed, at a kill.
    again = sum(times - 1 for times in asked.values())
    assert again <= kills * (PARALLEL + 3), asked


@pytest.mark.parametrize("api_version", ["v2"], indirect=True)
def test_an_overloaded_sap_gets_fewer_requests_at_once_and_the_download_completes(kiosk, emulator):
    emulator.load.max_concurrent = 2  # its Apache front answers 503 beyond two

    report = kiosk.sync()

    assert report.error is None
    assert cached_invoices(kiosk) == sap_invoices(emulator)
    assert emulator.load.refused > 0 and emulator.load.peak_concurrent <= 2
    assert kiosk.clients[-1].last_parallel_limit.lowest < PARALLEL


@pytest.mark.parametrize("cache_backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize("api_version", ["v2"], indirect=True)
def test_the_marks_of_a_first_download_are_asked_while_the_customers_come(kiosk, emulator):
    emulator.faults.delay_next("^BusinessPartners", seconds=0.5)

    assert kiosk.sync().error is None

    asked = [unquote(path) for method, path in emulator.faults.seen if method == "GET"]
    newest_invoice = asked.index("Invoices?$select=DocEntry&$orderby=DocEntry desc&$top=1")
    newest_payment = asked.index("IncomingPayments?$select=DocEntry&$orderby=DocEntry desc&$top=1")
    references = next(n for n, path in enumerate(asked) if "TransferReference desc" in path)
    # Both marks were asked while the slow customers page came, before the kiosk's own
    # reference mark (which must follow the payments mark, and follows the customers).
    assert newest_invoice < references and newest_payment < references
    assert cached_invoices(kiosk) == sap_invoices(emulator)
