"""`kiosk sync`, `set-preference`, `outbox` and `status` on the command line, SAP up and down."""

from __future__ import annotations

import json
import os
import pty
import select
import sys
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import text

from kiosk.app.cli import main
from kiosk.domain.tracking import EventKind, TrackedEvent
from kiosk.sap_emulator.data_store import EmulatorData
from kiosk.sap_emulator.demo_data import seed_demo_company
from kiosk.sap_emulator.server import (
    DEMO_COMPANY,
    DEMO_PASSWORD,
    DEMO_USER,
    ServiceLayerEmulator,
)
from kiosk.storage.database import create_database_engine
from kiosk.storage.tracking_store import SqlTrackingStore

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def emulator():
    data = EmulatorData()
    seed_demo_company(data, customers=10, invoices=60)
    with ServiceLayerEmulator(data) as running:
        yield running


@pytest.fixture
def sap(emulator, monkeypatch):
    monkeypatch.setenv("KIOSK_SAP__BASE_URL", emulator.service_root("v1"))
    monkeypatch.setenv("KIOSK_SAP__COMPANY_DB", DEMO_COMPANY)
    monkeypatch.setenv("KIOSK_SAP__USERNAME", DEMO_USER)
    monkeypatch.setenv("KIOSK_SAP__PASSWORD", DEMO_PASSWORD)
    return emulator


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_sync_prints_what_it_did(sap, capsys):
    code, out, err = run(capsys, "sync")

    assert code == 0 and err == ""
    assert "pulled 60 invoices (60 new or changed), 10 customers (10 new or changed)" in out
    assert "delivery: queued" in out  # new invoices go out right after the pull
    code, out, _ = run(capsys, "sync", "--json")
    record = json.loads(out)
    assert record["pulled"]["invoices"] >= 0 and record["stored"]["invoices"] == 0
    assert record["delivery"]["queued_emails"] == 0  # nothing new: nothing delivered twice
    code, out, _ = run(capsys, "status")
    assert "last pull of invoices:" in out and "outbox: 0 pending, 0 parked" in out


def test_sync_tells_settled_requests_and_payments_that_did_not_match(sap, capsys, monkeypatch):
    monkeypatch.setenv("KIOSK_PAYMENTS__KIOSK_NUMBER", "12")
    run(capsys, "sync")
    unpaid = sap.data.query(
        "Invoices", "DocumentStatus eq 'bost_Open' and PaidToDate eq 0", [], False
    )
    paid, underpaid = unpaid[0], next(i for i in unpaid if i["CardCode"] != unpaid[0]["CardCode"])
    references = []
    for invoice in (paid, underpaid):
        _, out, _ = run(capsys, "payments", "request", str(invoice["DocNum"]), "--json")
        references.append(json.loads(out)["reference"])
    assert [reference[:2] for reference in references] == ["12", "12"]
    for invoice, reference, amount in (
        (paid, references[0], paid["DocTotal"]),
        (underpaid, references[1], Decimal("1.00")),
    ):
        sap.data.create("IncomingPayments", {
            "CardCode": invoice["CardCode"], "TransferSum": amount, "TransferReference": reference,
            "PaymentInvoices": [{"DocEntry": invoice["DocEntry"], "SumApplied": amount}],
        })  # fmt: skip

    code, out, _ = run(capsys, "sync", "--no-deliver")

    assert code == 0
    assert "payment requests: 1 settled, 1 left open (a payment quoted the reference" in out


def test_sap_down_fails_clearly_and_keeps_the_change(sap, capsys, monkeypatch):
    run(capsys, "sync")
    code, out, _ = run(capsys, "customers", "set-preference", "C000001", "--channel", "both",
                       "--email", "facturas@c1.mx", "--clerk", "rosa")  # fmt: skip
    assert code == 0 and "goes to SAP with the next sync" in out
    monkeypatch.setenv("KIOSK_SAP__BASE_URL", "http://127.0.0.1:9/b1s/v1/")

    code, _, err = run(capsys, "sync")

    assert code == 3
    assert err.startswith("kiosk: SAP Service Layer unreachable at http://127.0.0.1:9/b1s/v1/ ")
    assert "(connection refused)" in err and err.endswith("; 1 change(s) kept in the outbox\n")
    code, out, _ = run(capsys, "customers", "show", "C000001")
    assert "Billing       BOTH to facturas@c1.mx" in out  # visible offline

    monkeypatch.setenv("KIOSK_SAP__BASE_URL", sap.service_root("v1"))
    code, out, _ = run(capsys, "sync")  # at once, SAP back

    assert code == 0 and "pushed 1, parked 0;" in out
    assert sap.data.get("BusinessPartners", "C000001")["U_BillingEmail"] == "facturas@c1.mx"
    assert "outbox: 0 pending, 0 parked" in run(capsys, "status")[1]


def test_bad_preference_input_is_one_line(sap, capsys):
    run(capsys, "sync")

    code, _, err = run(capsys, "customers", "set-preference", "C000001", "--channel", "email")
    assert (
        code == 1
        and err == "kiosk: billing channel EMAIL needs an e-mail address for customer C000001\n"
    )
    code, _, err = run(capsys, "customers", "set-preference", "C000001", "--channel", "email",
                       "--email", "no-at-sign")  # fmt: skip
    assert code == 1 and "needs exactly one @" in err
    code, _, err = run(capsys, "customers", "set-preference", "NOPE", "--channel", "paper")
    assert code == 1 and "no customer with code 'NOPE'" in err


def test_staff_retry_and_discard_parked_entries(sap, capsys):
    run(capsys, "sync")
    sap.data.delete("BusinessPartners", "C000003")  # SAP lost the customer: the push is refused
    run(capsys, "customers", "set-preference", "C000003", "--channel", "paper")
    run(capsys, "sync")

    code, out, _ = run(capsys, "outbox", "--json")
    [entry] = json.loads(out)
    assert entry["state"] == "parked" and entry["error_code"] == "-2028"

    assert run(capsys, "outbox", "retry", str(entry["id"]))[0] == 0
    assert json.loads(run(capsys, "outbox", "--json")[1])[0]["state"] == "pending"
    code, _, err = run(capsys, "outbox", "discard", str(entry["id"]), "--reason", " ")
    assert code == 1 and "say why" in err
    code, out, _ = run(capsys, "outbox", "discard", str(entry["id"]), "--reason", "customer closed")
    assert code == 0 and "discarded by" in out and "customer closed" in out
    assert "the outbox is empty" in run(capsys, "outbox")[1]
    code, _, err = run(capsys, "outbox", "retry", str(entry["id"]))
    assert code == 1 and "already discarded" in err


def test_on_a_terminal_sync_shows_how_far_it_got(sap, capsys, monkeypatch):
    leader, follower = pty.openpty()
    terminal = os.fdopen(follower, "w")
    monkeypatch.setattr(sys, "stderr", terminal)

    code, out, _ = run(capsys, "sync")

    terminal.close()
    shown = _read_all(leader).decode()
    assert code == 0 and "pulled 60 invoices" in out
    assert "\rcustomers: 10 received\x1b[K" in shown
    assert shown.endswith("\rinvoices: 60 received\x1b[K\r\n")  # the terminal adds the \r


def _read_all(descriptor: int) -> bytes:
    chunks = []
    while select.select([descriptor], [], [], 0.5)[0]:
        try:
            chunk = os.read(descriptor, 4096)
        except OSError:  # the other side is closed: everything was read
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(descriptor)
    return b"".join(chunks)


def test_an_unreachable_sap_names_the_user_and_company_it_tried(sap, capsys, monkeypatch):
    monkeypatch.setenv("KIOSK_SAP__BASE_URL", "http://127.0.0.1:9/b1s/v1/")

    code, _, err = run(capsys, "sync")

    assert code == 3
    assert f"while trying to log in as {DEMO_USER} to company {DEMO_COMPANY};" in err


def test_a_sap_login_with_settings_missing_names_them(sap, capsys, monkeypatch):
    monkeypatch.delenv("KIOSK_SAP__USERNAME")
    monkeypatch.delenv("KIOSK_SAP__COMPANY_DB")

    code, _, err = run(capsys, "sync")
    assert code == 2
    assert err == "kiosk: sap.company_db, sap.username not set: configure SAP first\n"

    code, out, _ = run(capsys, "doctor")
    assert "FAIL  sap" in out and "sap.company_db, sap.username not set" in out
    assert sap.sessions.logins_seen == 0  # nothing was sent with blank credentials


def test_a_database_in_a_folder_that_does_not_exist_is_refused(capsys, monkeypatch, tmp_path):
    missing = tmp_path / "no-such-folder"
    monkeypatch.setenv("KIOSK_DATABASE__URL", f"sqlite:///{missing / 'kiosk.sqlite3'}")

    code, out, err = run(capsys, "status")

    assert code != 0 and out == ""
    assert err == (
        f"kiosk: the database folder {missing} does not exist: create it, or correct database.url\n"
    )
    assert not missing.exists()


def test_the_default_database_folder_is_made_on_first_use(capsys, monkeypatch, tmp_path):
    monkeypatch.delenv("KIOSK_DATABASE__URL")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))

    code, _, err = run(capsys, "status")

    assert code == 0, err
    assert (tmp_path / "data" / "billing-kiosk" / "kiosk.sqlite3").is_file()


def test_sync_lets_tracking_events_past_their_keeping_time_go(sap, capsys, monkeypatch):
    """A kiosk synced by a scheduler, without the window's background pass, purges too."""
    monkeypatch.setenv("KIOSK_TRACKING__KEEP_DAYS", "30")
    assert run(capsys, "sync", "--no-deliver")[0] == 0
    engine = create_database_engine(os.environ["KIOSK_DATABASE__URL"])
    store = SqlTrackingStore(engine, kiosk_number=1)
    now = datetime.now()
    store.record(TrackedEvent(EventKind.IDENTIFIED, now - timedelta(days=31), "C000001"))
    store.record(TrackedEvent(EventKind.IDENTIFIED, now - timedelta(days=29), "C000002"))

    assert run(capsys, "sync", "--no-deliver")[0] == 0

    with engine.connect() as connection:
        left = connection.execute(text("SELECT customer_code FROM tracking_events")).all()
    engine.dispose()
    assert [row[0] for row in left] == ["C000002"]
