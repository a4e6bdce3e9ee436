"""`kiosk report` over a real cache file: the same figures as a table, as JSON and as CSV."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from kiosk.app.cli import main
from kiosk.app.settings import load_settings
from kiosk.app.wiring import open_store
from kiosk.domain.tracking import EventKind, TrackedEvent
from kiosk.storage.tracking_store import SqlTrackingStore
from tests.builders import make_invoice

ON = date(2026, 3, 10)
# (doc entry, currency, total, paid, due date)
OPEN = [
    (1, "MXN", "1000.00", "0", date(2026, 3, 20)),
    (2, "MXN", "500.00", "125.50", date(2026, 2, 1)),  # 37 days late, partly paid
    (3, "USD", "80.25", "0", date(2025, 11, 1)),  # over 90
    (4, "USD", "19.75", "0", date(2025, 12, 1)),  # over 90
]


@pytest.fixture
def cache() -> None:
    store = open_store(load_settings(None).database)
    store.upsert_invoices(
        [
            make_invoice(entry, currency=currency, total=total, net_total=total, tax_total="0",
                         paid_to_date=paid, due_date=due)
            for entry, currency, total, paid, due in OPEN
        ]
    )  # fmt: skip
    events = SqlTrackingStore(store.engine, kiosk_number=1)
    for at, kind in [
        (datetime(2026, 3, 2, 9), EventKind.IDENTIFIED),
        (datetime(2026, 3, 2, 9, 5), EventKind.IDENTIFIED),
        (datetime(2026, 3, 2, 9, 6), EventKind.INVOICE_PRINTED),
        (datetime(2026, 3, 4, 12), EventKind.INVOICE_EMAILED),
    ]:
        events.record(TrackedEvent(kind, at, "C001"))
    store.engine.dispose()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def expected_ageing() -> dict[str, dict[str, Decimal]]:
    expected: dict[str, dict[str, Decimal]] = {}
    for _entry, currency, total, paid, due in OPEN:
        late = (ON - due).days
        bucket = next(
            name
            for name, limit in (("current", 0), ("1_30", 30), ("31_60", 60), ("61_90", 90))
            if late <= limit
        ) if late <= 90 else "over_90"  # fmt: skip
        row = expected.setdefault(currency, {})
        row[bucket] = row.get(bucket, Decimal(0)) + Decimal(total) - Decimal(paid)
    return expected


def test_ageing_as_json_has_exact_amounts_per_currency(capsys, cache, english):
    code, out, _ = run(capsys, "report", "ageing", "--to", ON.isoformat(), "--json")

    assert code == 0
    record = json.loads(out)
    assert record["report"] == "ageing" and record["on"] == "2026-03-10"
    got = {
        row["currency"]: {k: Decimal(v) for k, v in row.items() if k not in {"currency", "total"}}
        for row in record["rows"]
    }
    for currency, buckets in expected_ageing().items():
        assert {k: v for k, v in got[currency].items() if v} == buckets
    usd = next(row for row in record["rows"] if row["currency"] == "USD")
    assert usd["over_90"] == "100.00" and usd["total"] == "100.00"  # strings, never floats


def test_usage_as_csv_has_a_header_and_every_day(capsys, cache, english, tmp_path):
    target = tmp_path / "usage.csv"

    code, out, _ = run(
        capsys, "report", "usage", "--from", "2026-03-01", "--to", "2026-03-05", "--csv",
        str(target),
    )  # fmt: skip

    assert code == 0 and out.strip() == f"report written to {target} (5 rows)"
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert rows[0] == ["day", "lookups", "prints", "emails", "payments"]
    assert rows[1:] == [
        ["2026-03-01", "0", "0", "0", "0"],
        ["2026-03-02", "2", "1", "0", "0"],
        ["2026-03-03", "0", "0", "0", "0"],
        ["2026-03-04", "0", "0", "1", "0"],
        ["2026-03-05", "0", "0", "0", "0"],
    ]


def test_csv_to_standard_output_and_the_text_table(capsys, cache, english):
    code, out, _ = run(capsys, "report", "ageing", "--to", ON.isoformat(), "--csv", "-")

    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["currency", "current", "1_30", "31_60", "61_90", "over_90", "total"]
    assert rows[1] == ["MXN", "1000.00", "0", "374.50", "0", "0", "1374.50"]

    code, out, _ = run(capsys, "report", "ageing", "--to", ON.isoformat())
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["Currency", "Current", "1-30"]
    assert lines[1].split() == ["MXN", "1000.00", "0", "374.50", "0", "0", "1374.50"]


def test_the_default_period_is_the_last_90_days(capsys, cache, english):
    code, out, _ = run(capsys, "report", "usage", "--json")

    record = json.loads(out)
    today = date.today()
    assert code == 0 and record["to"] == today.isoformat()
    assert record["from"] == (today - timedelta(days=89)).isoformat()
    assert len(record["rows"]) == 90


def test_sync_health_says_what_waits_for_sap(capsys, cache, english):
    code, out, _ = run(capsys, "report", "sync")

    assert code == 0
    assert "customers" in out and "never" in out
    assert out.splitlines()[-1] == "Changes for SAP: 0 waiting, 0 parked by SAP"


def test_bad_dates_are_refused_in_one_clear_line(capsys, cache, english):
    with pytest.raises(SystemExit) as exited:
        main(["report", "usage", "--from", "2026-13-01"])
    assert exited.value.code == 2
    assert "'2026-13-01' is not a date in the form YYYY-MM-DD" in capsys.readouterr().err

    code, out, err = run(capsys, "report", "usage", "--from", "2026-03-10", "--to", "2026-03-01")
    assert code == 1 and out == ""
    assert err == "kiosk: the period ends (2026-03-01) before it starts (2026-03-10)\n"


def test_a_csv_file_that_cannot_be_written_is_one_line(capsys, cache, english, tmp_path):
    code, _, err = run(capsys, "report", "usage", "--csv", str(tmp_path / "no" / "such.csv"))

    assert code == 1 and err.count("\n") == 1 and "cannot write" in err.lower()
