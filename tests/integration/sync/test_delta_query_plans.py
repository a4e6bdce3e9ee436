"""A delta pass reads no whole table that grows with the cache: every statement's query plan,
asked of SQLite, for a pass with edited invoices and new payments, its deliveries included."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bench.query_plans import full_scans, recorded_statements
from tests.integration.sync.conftest import SAP_NOW


@pytest.mark.parametrize("cache_backend", ["sqlite"])
@pytest.mark.parametrize("api_version", ["v2"])
def test_a_delta_pass_scans_no_table_that_grows_with_the_cache(kiosk, emulator):
    branch = kiosk.services.branch
    for _ in range(2):  # the first download, then the pass noting every stamped invoice
        assert branch.run(full=False, asked=True, deliver=True).report.error is None
    emulator.clock.freeze(SAP_NOW + timedelta(hours=1))
    open_invoices = [
        record
        for record in emulator.data._records["Invoices"].values()
        if record["DocumentStatus"] == "bost_Open" and record["Cancelled"] == "tNO"
    ][:20]
    for number, invoice in enumerate(open_invoices):
        if number % 2:
            emulator.data.patch("Invoices", invoice["DocEntry"], {"Comments": "revisada"})
        else:
            emulator.data.create("IncomingPayments", {
                "CardCode": invoice["CardCode"], "CashSum": 1,
                "PaymentInvoices": [{"DocEntry": invoice["DocEntry"], "SumApplied": 1}],
            })  # fmt: skip
    engine = kiosk.services.storage.engine

    with recorded_statements(engine) as statements:
        report = branch.run(full=False, asked=True, deliver=True).report

    assert report.error is None and report.pulled["payments"] == 10
    assert report.stored["invoices"] + report.refreshed_by_payments >= 20
    assert len(statements) > 30
    assert full_scans(engine, statements) == []


@pytest.mark.parametrize("cache_backend", ["sqlite"])
@pytest.mark.parametrize("api_version", ["v2"])
def test_a_query_without_an_index_is_named_with_its_table(kiosk):
    engine = kiosk.services.storage.engine
    statements = [
        ("SELECT doc_entry FROM invoices WHERE comments = ?", ("revisada",)),
        ("SELECT doc_entry FROM invoices WHERE doc_entry = ?", (5,)),
        ("SELECT count(*) FROM sync_cursors", ()),
    ]

    found = full_scans(engine, statements)

    assert [(scan.table, scan.statement) for scan in found] == [("invoices", statements[0][0])]
