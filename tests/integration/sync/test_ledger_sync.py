"""The customer ledger over real HTTP: SAP's credit notes and payments kept in a real cache from
the pass after the first download, the earlier payments back-filled a window per pass."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from kiosk.domain.dispute import DisputeReason, DisputeState
from kiosk.services.ports.ledger import PAYMENT_HISTORY
from kiosk.services.sync import LEDGER_CREDIT_NOTES
from tests.integration.sync.conftest import CUSTOMERS, SAP_NOW, Kiosk
from tests.integration.sync.test_disputes_with_sap import disputes_of

LATER = date(2030, 1, 1)


def sap_payments(emulator) -> dict[int, tuple]:
    """SAP's payments as the ledger should hold them, worked out from the emulator's records."""
    expected = {}
    for record in emulator.data.query("IncomingPayments", None, [], False):
        applied: dict[int, Decimal] = {}
        for line in record.get("PaymentInvoices") or []:
            applied[line["DocEntry"]] = (
                applied.get(line["DocEntry"], Decimal(0)) + line["SumApplied"]
            )
        expected[record["DocEntry"]] = (
            record["CardCode"], record["DocDate"],
            record.get("CashSum", Decimal(0)) + record.get("TransferSum", Decimal(0)),
            record["DocCurrency"], record["Cancelled"] == "tYES", sorted(applied.items()),
        )  # fmt: skip
    return expected


def cached_payments(kiosk: Kiosk) -> dict[int, tuple]:
    ledger = kiosk.services.storage.ledger
    cached = {}
    for number in range(1, CUSTOMERS + 1):
        for payment in ledger.payments_for_customer(f"C{number:06d}", LATER):
            cached[payment.doc_entry] = (
                payment.customer_code, payment.payment_date, payment.amount.amount,
                payment.amount.currency, payment.cancelled,
                [(a.invoice_doc_entry, a.amount) for a in payment.allocations],
            )  # fmt: skip
    return cached


def sap_credit_notes(emulator) -> dict[int, tuple]:
    expected = {}
    for record in emulator.data.query("CreditNotes", None, [], False):
        lines = record["DocumentLines"]
        credited = sorted({line["BaseEntry"] for line in lines if line.get("BaseType") == 13})
        expected[record["DocEntry"]] = (
            record["DocNum"], record["CardCode"], record["DocDate"], record["DocTotal"],
            record["Cancelled"] == "tYES", tuple(credited),
        )  # fmt: skip
    return expected


def cached_credit_notes(kiosk: Kiosk) -> dict[int, tuple]:
    cached = {}
    for page in kiosk.services.storage.ledger.credit_notes_after(0):
        for note in page:
            cached[note.doc_entry] = (
                note.doc_num, note.customer_code, note.posting_date, note.total.amount,
                note.cancelled, note.invoice_entries,
            )  # fmt: skip
    return cached


def post_payment(emulator, minutes: int) -> dict:
    """A new payment in SAP of half of an open, unpaid invoice."""
    invoice = next(iter(emulator.data.query(
        "Invoices", "DocumentStatus eq 'bost_Open' and PaidToDate eq 0", [], False
    )))  # fmt: skip
    half = (invoice["DocTotal"] / 2).quantize(Decimal("0.01"))
    emulator.clock.freeze(SAP_NOW + timedelta(minutes=minutes))
    return emulator.data.create("IncomingPayments", {
        "CardCode": invoice["CardCode"], "TransferSum": half,
        "PaymentInvoices": [{"DocEntry": invoice["DocEntry"], "SumApplied": half}],
    })  # fmt: skip


def test_credit_notes_and_payments_land_in_the_cache_on_the_pass_after_the_first_download(
    kiosk, emulator
):
    first = kiosk.sync()

    assert first.error is None and first.pulled["credit_notes"] == 0
    assert not any("CreditNotes" in path for _, path in emulator.faults.seen)
    assert cached_credit_notes(kiosk) == {} and cached_payments(kiosk) == {}
    assert kiosk.services.storage.ledger.history_complete() is False

    second = kiosk.sync()

    assert second.error is None
    notes = sap_credit_notes(emulator)
    assert len(notes) == 3 and sum(1 for n in notes.values() if n[4]) == 1  # the demo's
    assert cached_credit_notes(kiosk) == notes
    assert second.pulled["credit_notes"] == second.stored["credit_notes"] == 3
    payments = sap_payments(emulator)
    assert len(payments) > 200
    assert cached_payments(kiosk) == payments
    assert second.payment_history == len(payments) and second.pulled["payments"] == 0
    assert kiosk.services.storage.ledger.history_complete() is True

    third = kiosk.sync()  # nothing new: nothing read again
    assert (third.pulled["credit_notes"], third.payment_history) == (0, 0)


def test_the_back_fill_reads_a_window_per_pass_and_resumes_without_gaps_or_repeats(kiosk, emulator):
    kiosk.sync()  # the first download; the payments mark is SAP's newest payment
    mark = emulator.data.count("IncomingPayments")
    history = kiosk.services.storage.cursors.cursor(PAYMENT_HISTORY)
    assert history is not None and history.last_key == mark
    window, backfilled, passes = 60, 0, 0
    new = None
    while not kiosk.services.storage.ledger.history_complete():
        if passes == 2:
            new = post_payment(emulator, minutes=40)
        report = kiosk.sync_service(payments_per_pass=window).run_once()
        passes += 1
        assert report.error is None and report.payment_history <= window
        backfilled += report.payment_history
        low = max(0, mark - window * passes)
        expected = set(range(low + 1, mark + 1)) | ({new["DocEntry"]} if new else set())
        assert set(cached_payments(kiosk)) == expected  # no gap at any point
        if passes == 3:
            assert report.pulled["payments"] == 1  # the new one, read once, after the mark
        assert passes <= mark // window + 1

    assert passes == -(-mark // window)  # ceil: as few passes as the windows need
    assert backfilled == mark  # every earlier payment read once
    assert cached_payments(kiosk) == sap_payments(emulator)
    assert kiosk.sync_service(payments_per_pass=window).run_once().payment_history == 0


def test_cancellations_in_sap_reach_the_cache_with_the_next_full_pass(kiosk, emulator):
    kiosk.sync()
    kiosk.sync()
    payment = next(p for p in emulator.data.query("IncomingPayments", None, [], False)
                   if p["Cancelled"] == "tNO")  # fmt: skip
    rebate = next(n for n in emulator.data.query("CreditNotes", None, [], False)
                  if n["Cancelled"] == "tNO" and n["CardCode"] == "C000002")  # fmt: skip
    emulator.clock.freeze(SAP_NOW + timedelta(minutes=20))
    emulator.data.cancel("IncomingPayments", payment["DocEntry"])
    emulator.data.cancel("CreditNotes", rebate["DocEntry"])
    kiosk.clock.advance(minutes=20)

    kiosk.sync()  # SAP's payments carry no UpdateDate: a delta pass cannot see it
    assert cached_payments(kiosk)[payment["DocEntry"]][4] is False
    assert cached_credit_notes(kiosk)[rebate["DocEntry"]][4] is False

    report = kiosk.sync(full=True)

    assert report.error is None
    assert cached_payments(kiosk) == sap_payments(emulator)
    assert cached_payments(kiosk)[payment["DocEntry"]][4] is True
    assert cached_credit_notes(kiosk) == sap_credit_notes(emulator)
    assert cached_credit_notes(kiosk)[rebate["DocEntry"]][4] is True
    cursor = kiosk.services.storage.cursors.cursor(LEDGER_CREDIT_NOTES)
    assert cursor is not None and cursor.last_key == max(sap_credit_notes(emulator))


def test_an_accepted_dispute_closes_by_the_credit_note_in_the_cache_not_by_a_cancelled_one(
    kiosk, emulator
):
    kiosk.sync()
    kiosk.sync()  # the demo's credit notes are in the cache now
    [copied] = [n for n in emulator.data.query("CreditNotes", None, [], False)
                if n["DocumentLines"][0].get("BaseEntry")]  # fmt: skip
    credited = emulator.data.get("Invoices", copied["DocumentLines"][0]["BaseEntry"])
    other = next(i for i in kiosk.services.lookup.search("C000010") if i.amount_due.is_positive())
    disputes = disputes_of(kiosk)
    accepted = []
    for doc_num in (credited["DocNum"], other.doc_num):
        invoice = kiosk.services.lookup.invoices_by_number(doc_num)[0]
        dispute = disputes.open(invoice, line_number=None, reason=DisputeReason.DAMAGED, by="kiosk")
        accepted.append(disputes.move(dispute.id or 0, DisputeState.ACCEPTED, note="", by="rosa"))
    mistaken = emulator.data.create("CreditNotes", {"CardCode": other.customer_code,
        "DocumentLines": [{"ItemCode": "A1", "UnitPrice": 10, "BaseType": 13,
                           "BaseEntry": other.doc_entry, "BaseLine": 0}]})  # fmt: skip
    emulator.data.cancel("CreditNotes", mistaken["DocEntry"])
    kiosk.sync()  # the cancelled one reaches the cache

    closed = disputes.close_by_credit_notes()  # from the cache alone: SAP is not asked

    assert closed == 1
    done = disputes.dispute(accepted[0].id or 0)
    assert done.state is DisputeState.CLOSED and done.credit_note == copied["DocEntry"]
    assert disputes.dispute(accepted[1].id or 0).state is DisputeState.ACCEPTED
