"""A `kiosk sync` process killed mid-push or mid-download: the restart loses and repeats nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from urllib.parse import unquote

import pytest

from kiosk.app.cli import main
from kiosk.app.settings import load_settings
from kiosk.app.wiring import build_services
from kiosk.sap_b1.payloads import CUSTOMERS_ONLY
from kiosk.sap_emulator.server import DEMO_COMPANY, DEMO_PASSWORD, DEMO_USER
from kiosk.services.ports.sync import SyncCursor

PATCH_PATH = r"^BusinessPartners\('C000002'\)"


def wait_for(condition, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("the condition was not met in time")
        time.sleep(0.02)


@pytest.fixture
def sap_environment(emulator, monkeypatch):
    values = {
        "KIOSK_SAP__BASE_URL": emulator.service_root("v2"),
        "KIOSK_SAP__COMPANY_DB": DEMO_COMPANY,
        "KIOSK_SAP__USERNAME": DEMO_USER,
        "KIOSK_SAP__PASSWORD": DEMO_PASSWORD,
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


def test_killed_sync_restarts_without_loss_or_duplicate(emulator, sap_environment, capsys):
    assert main(["sync"]) == 0
    assert main(["customers", "set-preference", "C000002", "--channel", "email",
                 "--email", "cobranza@c2.mx", "--clerk", "lupita"]) == 0  # fmt: skip
    before = emulator.data.get("BusinessPartners", "C000002")["DataVersion"]
    emulator.faults.delay_next(PATCH_PATH, method="PATCH", seconds=1.5)

    process = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "sync"], env=os.environ.copy(),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    wait_for(lambda: ("PATCH", "BusinessPartners('C000002')") in emulator.faults.seen)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL

    # SAP finishes the write the dead process sent; the kiosk never heard the answer.
    wait_for(lambda: emulator.data.get("BusinessPartners", "C000002")["DataVersion"] == before + 1)
    capsys.readouterr()
    assert main(["outbox", "--json"]) == 0
    assert '"attempts": 1' in capsys.readouterr().out  # the attempt was recorded before the call

    patches_before_restart = emulator.faults.seen.count(("PATCH", "BusinessPartners('C000002')"))
    assert main(["sync"]) == 0

    partner = emulator.data.get("BusinessPartners", "C000002")
    assert (partner["U_BillingChannel"], partner["U_BillingEmail"]) == ("EMAIL", "cobranza@c2.mx")
    assert partner["DataVersion"] == before + 1  # applied exactly once
    assert (
        emulator.faults.seen.count(("PATCH", "BusinessPartners('C000002')"))
        == patches_before_restart
    )
    capsys.readouterr()
    main(["outbox"])
    assert "la bandeja de salida está vacía" in capsys.readouterr().out  # the default language


def test_a_sync_killed_in_its_first_download_goes_on_where_it_stopped(
    emulator, sap_environment, monkeypatch
):
    monkeypatch.setenv("KIOSK_SAP__PAGE_SIZE", "50")
    # One page after another (in parallel windows: test_parallel_first_download.py).
    monkeypatch.setenv("KIOSK_SAP__MAX_PARALLEL_REQUESTS", "1")
    emulator.faults.delay_next(r"^Invoices\?.*skip=200\b", seconds=5)  # hold the fifth page
    cursors = build_services(load_settings(None)).storage.cursors

    process = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "sync"], env=os.environ.copy(),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    wait_for(lambda: (cursors.cursor("invoices") or SyncCursor("invoices")).last_key == 200)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    emulator.faults.seen.clear()

    assert main(["sync"]) == 0

    asked = [unquote(path) for _method, path in emulator.faults.seen if path.startswith("Invoices")]
    assert "DocEntry gt 200" in asked[0]
    store = build_services(load_settings(None)).storage.invoices
    assert store.counts() == {
        "invoices": emulator.data.count("Invoices"),
        "customers": len(emulator.data.query("BusinessPartners", CUSTOMERS_ONLY, [], False)),
    }
