"""The `kiosk` command line on a real database file: read commands, doctor, and clean errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from kiosk import __version__
from kiosk.app.cli import main
from kiosk.app.settings import load_settings
from kiosk.app.wiring import build_services, open_store
from kiosk.domain.billing_preference import BillingChannel
from kiosk.storage.schema_migration import SCHEMA_HEAD
from tests.builders import make_customer, make_invoice

pytestmark = pytest.mark.usefixtures("english")

TODAY = date.today()


@pytest.fixture
def filled_cache() -> None:
    store = open_store(load_settings(None).database)
    store.upsert_customers(
        [
            make_customer("C001"),
            make_customer("C002", name="José Pérez García", tax_id="PEGJ800101XY2"),
        ]
    )
    store.upsert_invoices(
        [
            make_invoice(1, doc_num=5001, due_date=TODAY - timedelta(days=3)),
            make_invoice(
                2, doc_num=5002, due_date=TODAY + timedelta(days=30), paid_to_date="32.00"
            ),
            make_invoice(3, doc_num=7001, customer_code="C002", customer_name="José Pérez García"),
        ]
    )
    services = build_services(load_settings(None))
    services.preferences.register(
        "C001", BillingChannel.EMAIL, "pagos@penanorte.mx", clerk="maria", consent_given=True
    )


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"kiosk {__version__}"


def test_db_upgrade_then_doctor(capsys):
    code, out, _ = run(capsys, "doctor")
    assert code == 1
    assert "FAIL  database" in out and "run `kiosk db upgrade`" in out

    code, out, _ = run(capsys, "db", "upgrade")
    assert code == 0 and SCHEMA_HEAD in out

    code, out, _ = run(capsys, "doctor")
    assert code == 0
    assert "ok    database  sqlite:///" in out and "0 invoices, 0 customers" in out
    assert "ok    settings  defaults and environment" in out


def test_search_shows_a_table(capsys, filled_cache):
    code, out, err = run(capsys, "invoices", "search", "5001")

    assert code == 0 and err == ""
    header, row = out.strip().splitlines()
    assert header.split()[:3] == ["Number", "Posted", "Due"]
    assert row.startswith("5001") and "232.00 MXN" in row and "overdue 3 d" in row


def test_search_json_by_name_and_by_tax_id(capsys, filled_cache):
    code, out, _ = run(capsys, "invoices", "search", "perez", "--json")
    assert code == 0
    assert [record["doc_num"] for record in json.loads(out)] == [7001]

    code, out, _ = run(capsys, "invoices", "search", "pegj-800101-xy2", "--json")
    assert [record["customer"]["code"] for record in json.loads(out)] == ["C002"]


def test_show_invoice_text_and_json(capsys, filled_cache):
    code, out, _ = run(capsys, "invoices", "show", "5002")
    assert code == 0
    assert "Invoice 5002" in out and "Artículo número 1" in out
    assert "Amount due    200.00 MXN" in out and "partially paid" in out

    code, out, _ = run(capsys, "invoices", "show", "5002", "--json")
    record = json.loads(out)
    assert record["amount_due"] == "200.00" and record["paid_to_date"] == "32.00"
    assert record["status"] == "partially_paid"
    assert [line["line_total"] for line in record["lines"]] == ["100.00", "100.00"]


def test_customer_show_with_preference_and_balance(capsys, filled_cache):
    code, out, _ = run(capsys, "customers", "show", "C001")
    assert code == 0
    assert "Billing       EMAIL to pagos@penanorte.mx" in out
    assert "Open balance  432.00 MXN in 2 open invoice(s)" in out

    code, out, _ = run(capsys, "customers", "show", "C001", "--json")
    record = json.loads(out)
    assert record["open_balance"] == [{"currency": "MXN", "amount": "432.00"}]
    assert record["preference"]["channel"] == "EMAIL"
    assert {i["doc_num"] for i in record["invoices"]} == {5001, 5002}


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["invoices", "show", "999"], 1, "kiosk: no invoice with number 999 in the local cache"),
        (
            ["customers", "show", "NOPE"],
            1,
            "kiosk: no customer with code 'NOPE' in the local cache",
        ),
        (["invoices", "search", " "], 1, "kiosk: type an invoice number"),
    ],
)
def test_user_errors_are_one_line_without_traceback(capsys, filled_cache, argv, code, message):
    exit_code, out, err = run(capsys, *argv)

    assert exit_code == code
    assert err.startswith(message) and err.count("\n") == 1
    assert "Traceback" not in err and out == ""


def test_bad_settings_stop_with_one_line(capsys, monkeypatch):
    monkeypatch.setenv("KIOSK_SAP__PAGE_SIZE", "lots")

    code, out, err = run(capsys, "doctor")

    assert code == 2 and out == ""
    assert err.startswith("kiosk: invalid setting sap.page_size") and err.count("\n") == 1


def test_unusable_database_is_one_line(capsys, monkeypatch, tmp_path: Path):
    (tmp_path / "blocked").write_text("")
    monkeypatch.delenv("KIOSK_DATABASE__URL")  # only the default location's folder is made
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "blocked" / "sub"))

    code, _, err = run(capsys, "invoices", "show", "1")

    assert code == 3
    assert err.startswith("kiosk: cannot create the database folder") and err.count("\n") == 1


def test_newer_database_is_refused_with_one_line(capsys, filled_cache):
    store = open_store(load_settings(None).database)
    with store._engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0999_future'")

    code, _, err = run(capsys, "invoices", "show", "5001")

    assert code == 4
    assert "newer than this kiosk" in err and err.count("\n") == 1


def test_runs_as_a_module_and_console_script(tmp_path: Path):
    environment = {**os.environ, "KIOSK_DATABASE__URL": f"sqlite:///{tmp_path}/c.sqlite3"}
    module = subprocess.run(
        [sys.executable, "-m", "kiosk", "invoices", "show", "12"],
        capture_output=True, text=True, env=environment, check=False,
    )  # fmt: skip
    script = Path(sys.executable).with_name("kiosk")
    version = subprocess.run(
        [str(script), "--version"], capture_output=True, text=True, env=environment, check=True
    )

    assert module.returncode == 1
    assert module.stderr == "kiosk: no invoice with number 12 in the local cache\n"
    assert version.stdout.strip() == f"kiosk {__version__}"
