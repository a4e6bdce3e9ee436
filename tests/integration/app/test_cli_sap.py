"""The command line with SAP: doctor's Service Layer check and the `kiosk emulator` command."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator

import pytest
import requests

from kiosk.app.cli import main
from kiosk.sap_emulator.server import (
    DEMO_COMPANY,
    DEMO_PASSWORD,
    DEMO_USER,
    ServiceLayerEmulator,
)

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def emulator() -> Iterator[ServiceLayerEmulator]:
    with ServiceLayerEmulator() as running:
        yield running


def configure_sap(monkeypatch: pytest.MonkeyPatch, root: str, password: str) -> None:
    monkeypatch.setenv("KIOSK_SAP__BASE_URL", root)
    monkeypatch.setenv("KIOSK_SAP__COMPANY_DB", DEMO_COMPANY)
    monkeypatch.setenv("KIOSK_SAP__USERNAME", DEMO_USER)
    monkeypatch.setenv("KIOSK_SAP__PASSWORD", password)


def test_doctor_logs_in_to_sap(emulator, monkeypatch, capsys):
    configure_sap(monkeypatch, emulator.service_root("v2"), DEMO_PASSWORD)
    main(["db", "upgrade"])
    capsys.readouterr()

    code = main(["doctor"])

    out = capsys.readouterr().out
    assert code == 0
    assert f"ok    sap       logged in to {DEMO_COMPANY} as {DEMO_USER}" in out
    assert "(Service Layer version 1000340)" in out
    assert emulator.sessions.active == 0  # doctor logs out again


def test_doctor_names_a_rejected_login_without_the_password(emulator, monkeypatch, capsys):
    configure_sap(monkeypatch, emulator.service_root("v1"), "not-the-password")

    code = main(["doctor"])

    out, err = capsys.readouterr()
    assert code == 1
    assert "FAIL  sap       SAP Service Layer refused to log in as manager" in out
    assert "code -304" in out and "not-the-password" not in out + err


def test_emulator_command_serves_both_versions_to_a_plain_http_client_with_its_load():
    process = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "emulator", "--port", "0", "--invoices", "30",
         "--customers", "5", "--latency-ms", "50", "--row-cost-ms", "1", "--max-concurrent", "4"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        banner = [process.stdout.readline() for _ in range(3)]
        root = re.search(r"(http://127\.0\.0\.1:\d+/b1s/)v2/", banner[0]).group(1)
        assert f"company {DEMO_COMPANY}, user {DEMO_USER}, password {DEMO_PASSWORD}" in banner[1]
        for version, zulu in (("v1", False), ("v2", True)):
            http = requests.Session()
            login = http.post(
                f"{root}{version}/Login",
                json={"CompanyDB": DEMO_COMPANY, "UserName": DEMO_USER, "Password": DEMO_PASSWORD},
            )
            cookie = login.headers["Set-Cookie"].split(";")[0]
            answer = http.get(f"{root}{version}/Invoices", headers={"Cookie": cookie})
            page = answer.json()
            assert len(page["value"]) == 20
            assert login.elapsed.total_seconds() >= 0.05
            assert answer.elapsed.total_seconds() >= 0.05 + 20 * 0.001
            assert page["value"][0]["DocDate"].endswith("T00:00:00Z") is zulu
            http.close()
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()
