"""`kiosk customers statement`: the PDF and CSV of a customer of a real cache, and its errors."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from kiosk.app.cli import main
from kiosk.app.settings import load_settings
from kiosk.app.wiring import open_store
from kiosk.domain.outbox import INVOICE_ACTIVITY, OutboxEntry
from kiosk.services.ports.ledger import PAYMENT_HISTORY
from kiosk.services.ports.sync import SyncCursor
from kiosk.storage.dispute_store import SqlDisputeStore
from kiosk.storage.ledger_store import SqlLedgerStore
from kiosk.storage.sync_cursor_store import SqlSyncCursorStore
from tests.builders import make_customer
from tests.fixtures.statement_data import statement_data

PERIOD = ["--from", "2026-01-01", "--to", "2026-03-31"]


@pytest.fixture
def cache() -> None:
    """The statement fixture in the SQLite cache: invoices, the ledger, the open dispute."""
    data = statement_data()
    store = open_store(load_settings(None).database)
    store.upsert_customers([data.customer, make_customer("C999", tax_id="XAXX010101000")])
    store.upsert_invoices(data.invoices)
    ledger = SqlLedgerStore(store.engine)
    ledger.store_credit_notes(data.credit_notes)
    ledger.store_payments(data.payments)
    [opened, _withdrawn] = data.disputes
    SqlDisputeStore(store.engine).add_dispute(
        opened,
        lambda dispute_id: OutboxEntry.new(INVOICE_ACTIVITY, "C001", {"id": dispute_id},
                                           opened.opened_at),
    )  # fmt: skip
    SqlSyncCursorStore(store.engine).save_cursor(SyncCursor(PAYMENT_HISTORY, last_key=0))


@pytest.mark.usefixtures("english")
def test_statement_writes_the_pdf_and_the_csv_with_the_fixtures_figures(cache, tmp_path, capsys):
    pdf, table = tmp_path / "statement.pdf", tmp_path / "statement.csv"

    code = main(["customers", "statement", "C001", *PERIOD, "--out", str(pdf), "--csv",
                 str(table)])  # fmt: skip

    out = capsys.readouterr().out
    assert code == 0
    assert out.splitlines() == [
        "MXN: opening balance 1,160.00 MXN, closing balance 2,580.00 MXN, disputed 300.00 MXN",
        "USD: opening balance 0.00 USD, closing balance 200.00 USD, disputed 0.00 USD",
        f"Statement of account of C001 from 2026-01-01 to 2026-03-31 written to {pdf}",
        f"Entries as CSV written to {table}",
    ]
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "STATEMENT OF" in text and "D-000001" in text and "$2,580.00" in text
    assert "older payments are still being downloaded" not in text
    rows = list(csv.reader(io.StringIO(table.read_text(encoding="utf-8-sig"))))
    mxn = [row for row in rows if row[0] == "MXN"]
    assert [row[3] for row in mxn] == ["", "1003", "1004", "7001", "9002", "D-000001", "1005", ""]
    assert mxn[-1][6:9] == ["3000.00", "1580.00", "2580.00"]


def test_statement_in_spanish_by_default_and_english_on_request(cache, tmp_path, capsys):
    assert main(["customers", "statement", "C001", *PERIOD, "--out", str(tmp_path / "a.pdf")]) == 0
    assert "saldo final 2,580.00 MXN" in capsys.readouterr().out
    spanish = PdfReader(tmp_path / "a.pdf").pages[0].extract_text()
    assert "ESTADO DE CUENTA" in spanish and "Página 1 de 1" in spanish

    english = tmp_path / "b.pdf"
    assert main(["customers", "statement", "C001", *PERIOD, "--out", str(english),
                 "--lang", "en"]) == 0  # fmt: skip
    assert "Page 1 of 1" in PdfReader(english).pages[0].extract_text()


@pytest.mark.usefixtures("english")
def test_without_dates_the_statement_covers_the_last_90_days(cache, tmp_path, capsys):
    assert main(["customers", "statement", "C001", "--out", str(tmp_path / "s.pdf")]) == 0

    today = date.today()
    start = today - timedelta(days=90)
    assert f"from {start.isoformat()} to {today.isoformat()}" in capsys.readouterr().out


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["NOPE", *PERIOD], "no customer 'NOPE' in the local cache"),
        (["C001", "--from", "2026-03-31", "--to", "2026-01-01"],
         "the period ends (2026-01-01) before it starts (2026-03-31)"),
        (["C001", "--to", "2999-01-01"], "a statement cannot end after today"),
    ],
)  # fmt: skip
def test_a_bad_customer_or_period_is_one_line(cache, tmp_path, capsys, arguments, message):
    out = tmp_path / "never.pdf"

    assert main(["customers", "statement", *arguments, "--out", str(out)]) == 1

    err = capsys.readouterr().err
    assert err.startswith(f"kiosk: {message}") and err.count("\n") == 1
    assert not out.exists()


@pytest.mark.usefixtures("english")
def test_a_date_that_is_not_one_is_a_usage_error(cache, tmp_path, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["customers", "statement", "C001", "--from", "31/01/2026", "--out", "x.pdf"])

    assert stopped.value.code == 2
    assert "'31/01/2026' is not a date YYYY-MM-DD" in capsys.readouterr().err
