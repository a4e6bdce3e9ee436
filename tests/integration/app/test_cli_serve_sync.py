"""`kiosk serve-sync` on the branch server, with PostgreSQL and the emulator: it holds the
lease while it syncs, so a counter's `kiosk sync` says who does and stops; `kiosk status`
shows its progress; a change made at a counter reaches SAP within seconds; SIGTERM stops it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kiosk.app.cli import main
from kiosk.sap_emulator.data_store import EmulatorData
from kiosk.sap_emulator.demo_data import seed_demo_company
from kiosk.sap_emulator.server import (
    DEMO_COMPANY,
    DEMO_PASSWORD,
    DEMO_USER,
    ServiceLayerEmulator,
)
from tests.fixtures.postgres import empty_postgres, postgres_url

pytestmark = pytest.mark.usefixtures("english")
ROOT = Path(__file__).parents[3]


@pytest.fixture
def branch(monkeypatch: pytest.MonkeyPatch) -> Iterator[ServiceLayerEmulator]:
    """The emulator with enough invoices for a first download that takes a while, and this
    process's settings (the counter's) on the branch's PostgreSQL."""
    empty_postgres().dispose()
    data = EmulatorData()
    seed_demo_company(data, customers=20, invoices=3000)
    with ServiceLayerEmulator(data) as running:
        for key, value in {
            "DATABASE__URL": postgres_url(), "SAP__BASE_URL": running.service_root("v2"),
            "SAP__COMPANY_DB": DEMO_COMPANY, "SAP__USERNAME": DEMO_USER,
            "SAP__PASSWORD": DEMO_PASSWORD, "SAP__PAGE_SIZE": "20",
            "SYNC__AFTER_CHANGE_SECONDS": "0", "KIOSK__BRANCH": "MTY-01",
        }.items():  # fmt: skip
            monkeypatch.setenv(f"KIOSK_{key}", value)
        yield running


@pytest.fixture
def serve_sync(branch, tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    environment = {**os.environ, "KIOSK_PAYMENTS__KIOSK_NUMBER": "9"}
    process = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "serve-sync", "--tick", "0.2"], cwd=ROOT,
        env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    yield process
    process.kill()
    process.communicate()


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def wait_for(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"waited {seconds} s for {what}"
        time.sleep(0.1)


def test_the_branch_server_syncs_and_the_counters_see_it(serve_sync, branch, capsys):
    holder = f"MTY-01 #9 ({os.uname().nodename}, pid {serve_sync.pid})"
    wait_for(lambda: "Syncing the branch" in run(capsys, "status")[1], 60, "the first pass")

    code, _, err = run(capsys, "sync")

    assert code == 3
    assert err == (
        f"kiosk: another client of the branch is syncing now: {holder}; "
        "this one did not sync (see `kiosk status`)\n"
    )
    status = run(capsys, "status")[1]
    assert f"Syncing the branch: {holder}, since " in status

    wait_for(lambda: "complete" in run(capsys, "status")[1], 120, "the first download")
    code, out, _ = run(capsys, "customers", "set-preference", "C000001", "--channel", "both",
                       "--email", "facturas@c1.mx", "--clerk", "rosa")  # fmt: skip
    assert code == 0
    wait_for(
        lambda: (
            branch.data.get("BusinessPartners", "C000001").get("U_BillingEmail") == "facturas@c1.mx"
        ),
        30,
        "the counter's change to reach SAP",
    )
    wait_for(lambda: f"Last branch sync: {holder}, " in run(capsys, "status")[1], 30, "a pass")

    serve_sync.send_signal(signal.SIGTERM)
    out, err = serve_sync.communicate(timeout=30)
    assert serve_sync.returncode == 0, err
    lines = out.splitlines()
    assert lines[0] == f"branch sync running as {holder}"
    assert lines[-1] == "branch sync stopped"
    assert any(line.startswith("sync done in ") for line in lines), lines


def test_db_upgrade_and_doctor_on_the_branch_database(capsys, monkeypatch):
    empty_postgres().dispose()
    monkeypatch.setenv("KIOSK_DATABASE__URL", postgres_url())

    code, out, _ = run(capsys, "db", "upgrade")
    assert code == 0 and "0016_delta_at_scale" in out
    code, out, _ = run(capsys, "doctor")
    assert "ok    database  postgresql+psycopg://" in out and "0 invoices, 0 customers" in out
    code, out, _ = run(capsys, "status", "--json")
    assert code == 0 and '"branch": null' in out  # no client has synced the branch yet
