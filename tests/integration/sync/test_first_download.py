"""A first download that SAP interrupts goes on where it stopped and misses nothing meanwhile."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from urllib.parse import unquote

import pytest

from kiosk.app.cli.sync import sync_status_text
from kiosk.language.catalogue import Texts
from kiosk.services.sync_status import current_status
from kiosk.storage import database, invoice_page_writer
from tests.integration.sync.conftest import INVOICES, SAP_NOW

PAGE = 50  # the kiosk fixture reads pages of 50
STORED_BEFORE = 3 * PAGE


@pytest.fixture
def interrupted(kiosk, emulator):
    """A first download, one page after another, that SAP stopped answering after three pages
    (in parallel windows: test_parallel_first_download.py)."""
    kiosk.parallel = 1
    emulator.faults.fail_next(rf"^Invoices\?.*skip={STORED_BEFORE}\b", status=503, times=100)
    report = kiosk.sync()
    emulator.faults.clear()
    assert report.error is not None
    return kiosk.services.storage.cursors.cursor("invoices")


def stored_entries(emulator):
    return sorted(record["DocEntry"] for record in emulator.data.query("Invoices", None, [], False))


def test_the_next_pass_goes_on_after_the_last_stored_invoice(kiosk, emulator, interrupted):
    last_stored = stored_entries(emulator)[STORED_BEFORE - 1]
    assert kiosk.services.storage.invoices.counts()["invoices"] == STORED_BEFORE
    assert interrupted.last_key == last_stored and interrupted.last_success_at is None
    status = current_status(kiosk.services.storage.cursors, kiosk.services.storage.outbox, None)
    assert (
        f"first download of invoices unfinished: stored up to DocEntry {last_stored}; "
        "`kiosk sync` goes on from there"
    ) in sync_status_text(status, Texts("en"))
    emulator.faults.seen.clear()

    report = kiosk.sync()

    assert report.error is None and report.pulled["invoices"] == INVOICES - STORED_BEFORE
    assert kiosk.services.storage.invoices.counts()["invoices"] == INVOICES
    asked = [unquote(path) for method, path in emulator.faults.seen if path.startswith("Invoices")]
    assert f"DocEntry gt {last_stored}" in asked[0]
    done = kiosk.services.storage.cursors.cursor("invoices")
    assert done.last_success_at is not None and done.last_key is None
    assert done.watermark == interrupted.watermark
    status = current_status(kiosk.services.storage.cursors, kiosk.services.storage.outbox, None)
    assert status.first_download_stored_up_to is None


def test_what_sap_changed_meanwhile_in_stored_invoices_comes_with_the_next_delta(
    kiosk, emulator, interrupted
):
    early, late = stored_entries(emulator)[9], stored_entries(emulator)[-1]
    emulator.clock.freeze(SAP_NOW + timedelta(days=1))
    emulator.data.patch("Invoices", early, {"Comments": "changed while interrupted"})
    # A later change to an invoice not read yet: had the resumed part moved the watermark to
    # it, the next delta would start after the change above and never see it.
    emulator.clock.freeze(SAP_NOW + timedelta(days=3))
    emulator.data.patch("Invoices", late, {"Comments": "changed later"})

    kiosk.sync()  # the rest of the download
    kiosk.sync()  # the first delta

    number = emulator.data.get("Invoices", early)["DocNum"]
    cached = kiosk.services.lookup.invoices_by_number(number)
    assert [invoice.comments for invoice in cached] == ["changed while interrupted"]


def test_a_payment_made_meanwhile_for_a_stored_invoice_lowers_what_it_owes(
    kiosk, emulator, interrupted
):
    entry = next(
        record["DocEntry"]
        for record in emulator.data.query(
            "Invoices", "DocumentStatus eq 'bost_Open' and PaidToDate eq 0", [], False
        )
        if record["DocEntry"] <= interrupted.last_key
    )
    invoice = emulator.data.get("Invoices", entry)
    half = (invoice["DocTotal"] / 2).quantize(Decimal("0.01"))
    emulator.data.create(
        "IncomingPayments",
        {"CardCode": invoice["CardCode"], "TransferSum": half,
         "PaymentInvoices": [{"DocEntry": entry, "SumApplied": half}]},
    )  # fmt: skip
    assert emulator.data.get("Invoices", entry)["UpdateDate"] == invoice["UpdateDate"]

    report = kiosk.sync()

    assert report.error is None and report.refreshed_by_payments == 1
    cached = kiosk.services.lookup.invoices_by_number(invoice["DocNum"])
    assert [i.amount_due.amount for i in cached] == [invoice["DocTotal"] - half]


@pytest.mark.parametrize("cache_backend", ["sqlite"], indirect=True)  # a SQLite file's limits
def test_a_cache_disk_that_fills_up_mid_download_loses_no_page_and_repeats_none(
    kiosk, emulator, monkeypatch
):
    kiosk.parallel = 1  # resumed "after the last stored", asked below
    engine = kiosk.services.storage.invoices.engine
    with engine.connect() as connection:
        pages_now = connection.exec_driver_sql("PRAGMA page_count").scalar_one()
    pragmas = database._sqlite_pragmas
    # The writer process's connection may grow the file by a few dozen pages only: the
    # customers fit, some pages of invoices do, then SQLite answers "database or disk is full".
    monkeypatch.setattr(
        database, "_sqlite_pragmas",
        lambda timeout: [*pragmas(timeout), f"PRAGMA max_page_count={pages_now + 40}"],
    )  # fmt: skip

    report = kiosk.sync()

    assert report.error is not None and "database or disk is full" in report.error
    cursor = kiosk.services.storage.cursors.cursor("invoices")
    stored = [entry for entry in stored_entries(emulator) if entry <= cursor.last_key]
    assert 0 < kiosk.services.storage.invoices.counts()["invoices"] == len(stored) < INVOICES
    monkeypatch.setattr(database, "_sqlite_pragmas", pragmas)
    emulator.faults.seen.clear()

    report = kiosk.sync()

    assert report.error is None and report.pulled["invoices"] == INVOICES - len(stored)
    assert kiosk.services.storage.invoices.counts()["invoices"] == INVOICES
    asked = [unquote(path) for method, path in emulator.faults.seen if path.startswith("Invoices")]
    assert f"DocEntry gt {cursor.last_key}" in asked[0]


@pytest.mark.parametrize("cache_backend", ["sqlite"], indirect=True)  # its writer process
def test_a_machine_that_cannot_start_the_writer_process_still_downloads(kiosk, monkeypatch, caplog):
    def refuse(*_arguments):
        raise OSError(24, "Too many open files")

    monkeypatch.setattr(invoice_page_writer, "WriterProcess", refuse)

    report = kiosk.sync()

    assert report.error is None and kiosk.services.storage.invoices.counts()["invoices"] == INVOICES
    assert "cache writer process not started ([Errno 24] Too many open files)" in caplog.text
