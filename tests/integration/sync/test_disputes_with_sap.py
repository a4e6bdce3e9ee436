"""Disputes and SAP over real HTTP: each step an Activity exactly once (offline, lost answers),
and SAP's credit note for the invoice closing an accepted dispute."""

from __future__ import annotations

from kiosk.domain.dispute import DisputeReason, DisputeState
from kiosk.services.disputes import DisputeService
from kiosk.services.sync import SyncService
from tests.integration.sync.conftest import Kiosk, unreachable_root


def disputes_of(kiosk: Kiosk) -> DisputeService:
    """The kiosk's disputes on its hand-moved clock, closed by the credit notes in its cache, as
    wiring builds them."""
    storage = kiosk.services.storage
    return DisputeService(
        storage.disputes, storage.invoices, storage.cursors, kiosk.clock, lambda code: None,
        storage.ledger,
    )  # fmt: skip


def sync(kiosk: Kiosk, root: str | None = None):
    saved, kiosk.root = kiosk.root, root or kiosk.root
    storage, client = kiosk.services.storage, kiosk.client()
    kiosk.root = saved
    return SyncService(
        client, storage.cache, storage.cursors, storage.outbox, storage.preferences, kiosk.clock,
        disputes=disputes_of(kiosk), ledger=storage.ledger, ledger_source=client,
    ).run_once()  # fmt: skip


def activities_for(emulator, doc_entry: int) -> list[dict]:
    return [
        a for a in emulator.data.query("Activities", None, [], False)
        if a.get("DocEntry") == str(doc_entry) and "Dispute" in (a.get("Details") or "")
    ]  # fmt: skip


def open_invoice(kiosk: Kiosk):
    return next(
        invoice for invoice in kiosk.services.lookup.search("C000010")
        if invoice.amount_due.is_positive()
    )  # fmt: skip


def test_a_dispute_opened_offline_reaches_sap_once_even_when_the_answer_is_lost(kiosk, emulator):
    sync(kiosk)
    invoice = open_invoice(kiosk)
    disputes = disputes_of(kiosk)
    dispute = disputes.open(invoice, line_number=None, reason=DisputeReason.DAMAGED,
                            amount=None, by="kiosk")  # fmt: skip
    report = sync(kiosk, unreachable_root())  # SAP cannot be reached: it waits in the outbox
    assert activities_for(emulator, invoice.doc_entry) == []
    assert kiosk.services.outbox.entries(), report

    emulator.faults.write_then_drop_next(r"^Activities$")
    kiosk.clock.advance(minutes=5)
    sync(kiosk)  # back online: the POST lands, its answer is lost
    assert len(activities_for(emulator, invoice.doc_entry)) == 1
    kiosk.clock.advance(minutes=30)
    sync(kiosk)  # the retry finds it by its kiosk reference instead of posting again
    [activity] = activities_for(emulator, invoice.doc_entry)
    assert activity["Details"] == (
        f"Dispute {dispute.number} open: invoice {invoice.doc_num}, "
        f"{invoice.amount_due.amount} MXN (damaged)"
    )
    assert activity["CardCode"] == invoice.customer_code
    assert kiosk.services.outbox.entries() == []


def test_the_credit_note_for_an_accepted_dispute_closes_it(kiosk, emulator):
    sync(kiosk)
    invoice = open_invoice(kiosk)
    disputes = disputes_of(kiosk)
    dispute = disputes.open(invoice, line_number=0, reason=DisputeReason.WRONG_PRICE,
                            amount=None, by="kiosk")  # fmt: skip
    disputes.move(dispute.id or 0, DisputeState.ACCEPTED, note="precio de lista", by="rosa")
    held = kiosk.services.lookup.invoices_by_number(invoice.doc_num)[0]
    assert held.disputed == dispute.amount.amount

    other = next(i for i in emulator.data.query("Invoices", None, [], False)
                 if i["DocEntry"] != invoice.doc_entry)  # fmt: skip
    emulator.data.create("CreditNotes", {"CardCode": other["CardCode"], "DocumentLines": [
        {"ItemCode": "A1", "UnitPrice": 10, "BaseType": 13, "BaseEntry": other["DocEntry"],
         "BaseLine": 0}]})  # fmt: skip
    report = sync(kiosk)
    assert report.disputes_closed == 0  # a credit note of another invoice closes nothing
    assert disputes.dispute(dispute.id or 0).state is DisputeState.ACCEPTED

    credit = emulator.data.create("CreditNotes", {"CardCode": invoice.customer_code,
        "DocumentLines": [{"ItemCode": "A1", "UnitPrice": 10, "BaseType": 13,
                           "BaseEntry": invoice.doc_entry, "BaseLine": 0}]})  # fmt: skip
    report = sync(kiosk)
    assert report.disputes_closed == 1
    closed = disputes.dispute(dispute.id or 0)
    assert closed.state is DisputeState.CLOSED and closed.credit_note == credit["DocEntry"]
    assert closed.events[-1].note == f"credit note {credit['DocNum']}"
    assert sync(kiosk).disputes_closed == 0  # the cursor moved on: nothing closes twice


def test_the_invoice_flag_udf_follows_whether_a_dispute_holds_part_of_it(kiosk, emulator):
    from kiosk.sap_emulator.schema import UserField

    emulator.data.user_fields.append(UserField("OINV", "Disputed", "Disputed", 1))
    emulator.data._fields.pop("Invoices", None)  # the set's fields now include the new UDF
    sync(kiosk)
    invoice = open_invoice(kiosk)
    storage = kiosk.services.storage
    disputes = DisputeService(
        storage.disputes, storage.invoices, storage.cursors, kiosk.clock, lambda code: None,
        None, "U_Disputed",
    )  # fmt: skip
    first = disputes.open(invoice, line_number=0, reason=DisputeReason.DAMAGED, by="kiosk")
    second = disputes.open(invoice, line_number=1, reason=DisputeReason.OTHER, by="kiosk")
    kiosk.clock.advance(minutes=1)
    sync(kiosk)
    assert emulator.data.get("Invoices", invoice.doc_entry).get("U_Disputed") == "Y"

    disputes.move(first.id or 0, DisputeState.WITHDRAWN, note="", by="kiosk")
    kiosk.clock.advance(minutes=1)
    sync(kiosk)
    assert emulator.data.get("Invoices", invoice.doc_entry).get("U_Disputed") == "Y"  # one left

    disputes.move(second.id or 0, DisputeState.REJECTED, note="correcto", by="rosa")
    kiosk.clock.advance(minutes=1)
    sync(kiosk)
    assert emulator.data.get("Invoices", invoice.doc_entry).get("U_Disputed") == "N"
    assert kiosk.services.outbox.entries() == []
