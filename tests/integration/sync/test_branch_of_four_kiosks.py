"""Four kiosk processes on one PostgreSQL cache and one SAP (the emulator over HTTP), two of
them killed with SIGKILL while they hold the sync lease: afterwards every change is in SAP
exactly once, every new invoice was mailed once, the cache holds exactly SAP's invoices, and
the lease changed hands."""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, bindparam, func, select, text

from kiosk.sap_emulator.clock import EmulatorClock
from kiosk.sap_emulator.data_store import EmulatorData
from kiosk.sap_emulator.demo_data import seed_demo_company
from kiosk.sap_emulator.server import (
    DEMO_COMPANY,
    DEMO_PASSWORD,
    DEMO_USER,
    ServiceLayerEmulator,
)
from kiosk.storage.schema_migration import current_revision
from kiosk.storage.sync_lease import PostgresSyncLease
from kiosk.storage.tables import Base
from tests.fakes.mutable_clock import MutableClock
from tests.fixtures.postgres import empty_postgres, postgres_url

ROOT = Path(__file__).parents[3]
KIOSKS = 4
CUSTOMERS_EACH = 4
INVOICES = 4000

# A counter PC: registers its customers' e-mail preferences as they reach the cache, and takes
# its turn at the branch's sync and delivery between them, as the running app does.
COUNTER = """
import random, sys, time
from kiosk.app.settings import load_settings
from kiosk.app.wiring import build_services
from kiosk.domain.billing_preference import BillingChannel
from kiosk.domain.errors import NotFound
services = build_services(load_settings(None))
todo = [code for code in sys.argv[1].split(",") if code]
print("started", flush=True)
while True:
    if todo:
        code = todo[0]
        try:
            services.preferences.register(
                code, BillingChannel.EMAIL, code.lower() + "@cliente.mx", clerk="caja",
                consent_given=True,
            )
            print("registered", code, flush=True)
            todo.pop(0)
        except NotFound:
            pass  # not in the cache yet: the first download is still on its way
    services.branch.run(asked=True)
    time.sleep(random.uniform(0.02, 0.1))
"""


@dataclass
class KioskProcess:
    process: subprocess.Popen[str]
    registered: list[str] = field(default_factory=list)
    killed: bool = False
    reader: threading.Thread | None = None

    def read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if line.startswith("registered "):
                self.registered.append(line.split()[1])


@pytest.fixture
def branch_database(monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    engine = empty_postgres()  # no schema: the four kiosks upgrade it together at start
    monkeypatch.setenv("KIOSK_DATABASE__URL", postgres_url())
    yield engine
    engine.dispose()


@pytest.fixture
def sap() -> Iterator[ServiceLayerEmulator]:
    data = EmulatorData(EmulatorClock())  # real time: today's new invoices are "new"
    seed_demo_company(data, customers=KIOSKS * CUSTOMERS_EACH + 10, invoices=INVOICES)
    with ServiceLayerEmulator(data) as running:
        # 2 ms an invoice answered: the first download lasts some seconds on any machine, so
        # it is seen under way (its progress is noted once a second) and killed in it.
        running.load.row_cost_seconds = 0.002
        yield running


@pytest.fixture
def start_kiosks(
    sap: ServiceLayerEmulator, mail_server, tmp_path: Path
) -> Iterator[Callable[[], list[KioskProcess]]]:
    started: list[KioskProcess] = []

    def start() -> list[KioskProcess]:
        for number in range(1, KIOSKS + 1):
            codes = [f"C{(number - 1) * CUSTOMERS_EACH + n:06d}" for n in range(1, 5)]
            environment = {
                **{k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")},
                "PYTHONPATH": str(ROOT),
                "KIOSK_DATABASE__URL": postgres_url(),
                "KIOSK_LOGGING__DIRECTORY": str(tmp_path / f"logs{number}"),
                "KIOSK_PAYMENTS__KIOSK_NUMBER": str(number),
                "KIOSK_KIOSK__BRANCH": "MTY-01",
                "KIOSK_SAP__BASE_URL": sap.service_root("v2"),
                "KIOSK_SAP__COMPANY_DB": DEMO_COMPANY,
                "KIOSK_SAP__USERNAME": DEMO_USER,
                "KIOSK_SAP__PASSWORD": DEMO_PASSWORD,
                "KIOSK_SAP__PAGE_SIZE": "50",
                "KIOSK_SMTP__HOST": "127.0.0.1",
                "KIOSK_SMTP__PORT": str(mail_server.port),
                "KIOSK_SMTP__SECURITY": "none",
                "KIOSK_SMTP__SENDER": "facturas@ejemplo.mx",
                "KIOSK_DELIVERY__RECORD_IN_SAP": "true",
            }
            process = subprocess.Popen(
                [sys.executable, "-c", COUNTER, ",".join(codes)], cwd=ROOT, env=environment,
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            )  # fmt: skip
            kiosk = KioskProcess(process)
            kiosk.reader = threading.Thread(target=kiosk.read, daemon=True)
            kiosk.reader.start()
            started.append(kiosk)
        return started

    yield start
    for kiosk in started:
        kiosk.process.kill()
        kiosk.process.wait()
        if kiosk.reader is not None:
            kiosk.reader.join(timeout=10)  # it ends at the pipe's end of file
        assert kiosk.process.stdout is not None
        kiosk.process.stdout.close()


def wait_for(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"waited {seconds} s for {what}"
        time.sleep(0.05)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [18])
def test_four_kiosks_two_killed_during_sync_lose_and_repeat_nothing(
    branch_database: Engine, sap: ServiceLayerEmulator, mail_server, start_kiosks, seed: int
):
    rng = random.Random(seed)
    kiosks = start_kiosks()
    engine = branch_database
    wait_for(lambda: current_revision(engine) is not None, 60, "the schema")
    lease = PostgresSyncLease(engine, "the test", MutableClock(datetime.now()))

    def holder_process(activity: str | None = None) -> KioskProcess | None:
        held = lease.holder()
        if held is None or not held.running or (activity and held.activity != activity):
            return None
        pid = int(re.search(r"pid (\d+)", held.holder).group(1))  # type: ignore[union-attr]
        return next((k for k in kiosks if k.process.pid == pid and not k.killed), None)

    def kill_the_holder(activity: str | None, after: float) -> KioskProcess:
        wait_for(lambda: holder_process(activity) is not None, 60, f"a holder ({activity})")
        time.sleep(after)
        victim = holder_process()
        if victim is None:  # its pass ended meanwhile: take the next one's
            wait_for(lambda: holder_process() is not None, 30, "the next holder")
            victim = holder_process()
        assert victim is not None
        victim.process.send_signal(signal.SIGKILL)
        victim.process.wait()
        victim.killed = True
        return victim

    # 1. Killed during the first download.
    first = kill_the_holder("invoices", rng.uniform(0.2, 1.5))
    living = [k for k in kiosks if not k.killed]
    wait_for(lambda: _downloaded(engine), 120, "the first download to finish")
    wait_for(lambda: all(len(k.registered) == 4 for k in living), 60, "the registrations")

    # 2. New invoices for every registered customer; killed in the pass that delivers them.
    registered = sorted({code for k in kiosks for code in k.registered})
    new_invoices = {
        sap.data.create(
            "Invoices", {"CardCode": code, "DocumentLines": [{"ItemCode": "A1", "UnitPrice": 100}]}
        )["DocEntry"]: code
        for code in registered
    }
    second = kill_the_holder(None, rng.uniform(0.0, 0.8))
    assert second is not first

    wait_for(lambda: _settled(engine, list(new_invoices)), 120, "every delivery and change")
    for kiosk in kiosks:
        kiosk.process.kill()
        kiosk.process.wait()

    # Every registered preference is in SAP.
    for code in registered:
        partner = sap.data.get("BusinessPartners", code)
        assert (partner["U_BillingChannel"], partner["U_BillingEmail"]) == (
            "EMAIL",
            f"{code.lower()}@cliente.mx",
        )
    with engine.connect() as connection:
        outbox = dict(
            connection.execute(text("SELECT state, count(*) FROM outbox GROUP BY state")).all()
        )
        sent = connection.execute(
            text("SELECT doc_entry, receipt FROM deliveries WHERE state = 'sent'"
                 " AND channel = 'email'")
        ).all()  # fmt: skip
        cached = connection.execute(select(func.count()).select_from(_invoices())).scalar_one()
    assert set(outbox) <= {"done"}, outbox
    # Each new invoice mailed by one delivery, as one message: a send repeated after a kill
    # goes as the same message (same Message-ID), which mail servers take as one.
    mailed = Counter(doc_entry for doc_entry, _ in sent)
    assert all(mailed[entry] == 1 for entry in new_invoices), mailed
    received = Counter(message["Message-ID"] for message in mail_server.received)
    assert {receipt for _, receipt in sent} <= set(received)
    assert len(received) == len(sent)
    # Each delivery recorded in SAP exactly once, though its recorders were killed.
    activities = Counter(
        int(activity["DocEntry"]) for activity in sap.data.query("Activities", None, [], False)
    )
    assert all(activities[entry] == 1 for entry, _ in sent), activities
    assert cached == sap.data.count("Invoices")
    holders = {grant.holder for grant in lease.grants(limit=1000)}
    for victim in (first, second):
        assert any(f"pid {victim.process.pid})" in holder for holder in holders)
    assert len(holders) >= 3, holders


def _invoices():
    return Base.metadata.tables["invoices"]


def _downloaded(engine: Engine) -> bool:
    with engine.connect() as connection:
        done = connection.execute(
            text("SELECT last_success_at FROM sync_cursors WHERE entity = 'invoices'")
        ).scalar()
    return done is not None


def _settled(engine: Engine, new_invoices: list[int]) -> bool:
    """Nothing left to push or send, and every new invoice mailed."""
    with engine.connect() as connection:
        waiting = connection.execute(
            text("SELECT count(*) FROM outbox WHERE state = 'pending'")
        ).scalar_one()
        unsent = connection.execute(
            text("SELECT count(*) FROM deliveries WHERE state IN ('queued', 'sending')")
        ).scalar_one()
        mailed = connection.execute(
            text(
                "SELECT count(DISTINCT doc_entry) FROM deliveries WHERE state = 'sent'"
                " AND channel = 'email' AND doc_entry IN :entries"
            ).bindparams(bindparam("entries", expanding=True)),
            {"entries": new_invoices},
        ).scalar_one()
    return waiting == 0 and unsent == 0 and mailed == len(new_invoices)
