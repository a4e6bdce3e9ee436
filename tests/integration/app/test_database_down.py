"""`kiosk status` and `kiosk sync` with the PostgreSQL cache down: a non-zero exit and one line on
stderr naming the database, without its password, and no traceback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.app.cli.exit_codes import EXIT_UNAVAILABLE

DATABASE_PASSWORD = "db-Secret-4711"
SAP_PASSWORD = "sap-Secret-0815"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _run_kiosk(*argv: str, settings: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`python -m kiosk ...` with no KIOSK_ setting from outside but the ones given."""
    environment = {
        name: value for name, value in os.environ.items() if not name.startswith("KIOSK_")
    }
    environment |= {f"KIOSK_{key}": value for key, value in settings.items()}
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *argv],
        capture_output=True, text=True, env=environment, timeout=20, check=False,
    )  # fmt: skip


@pytest.mark.parametrize("command", ["status", "sync"])
def test_a_database_nobody_listens_on_is_one_line_naming_it(command: str, tmp_path: Path):
    port = _free_port()  # free: nothing listens there
    settings = {
        "DATABASE__URL": f"postgresql+psycopg://kiosk:{DATABASE_PASSWORD}@127.0.0.1:{port}/kiosk",
        "LOGGING__DIRECTORY": str(tmp_path / "logs"),
        "KIOSK__LANGUAGE": "en",
    }
    if command == "sync":
        # Without SAP settings `kiosk sync` stops before it opens the database; these point at
        # a port where nothing listens either, and are never reached.
        settings |= {
            "SAP__BASE_URL": f"https://127.0.0.1:{_free_port()}/b1s/v1",
            "SAP__COMPANY_DB": "SBODEMOMX",
            "SAP__USERNAME": "manager",
            "SAP__PASSWORD": SAP_PASSWORD,
        }

    finished = _run_kiosk(command, settings=settings)

    said = finished.stdout + finished.stderr
    assert finished.returncode == EXIT_UNAVAILABLE, said
    assert finished.stderr.count("\n") == 1 and finished.stderr.endswith("\n"), said
    assert finished.stdout == ""
    assert "Traceback" not in said
    line = finished.stderr
    assert line.startswith(f"kiosk: database postgresql+psycopg://kiosk:***@127.0.0.1:{port}/kiosk")
    assert "unavailable" in line and "Connection refused" in line
    assert DATABASE_PASSWORD not in said and SAP_PASSWORD not in said
    logs = "".join(path.read_text() for path in (tmp_path / "logs").glob("*.log"))
    assert DATABASE_PASSWORD not in logs and SAP_PASSWORD not in logs
