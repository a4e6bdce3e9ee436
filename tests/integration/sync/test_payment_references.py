"""Payment references across kiosks and rebuilt caches, against one emulator over real HTTP.

Each kiosk of the company numbers its references under its own kiosk number; a rebuilt cache
starts above what SAP has seen paid; and a payment settles a request only when it comes from
the request's customer and pays its total.
"""

from __future__ import annotations

import logging
from decimal import Decimal

from kiosk.domain.payment_reference import is_valid_reference, kiosk_sequence


def open_invoices(emulator, count):
    """Unpaid open invoices, each of a different customer."""
    found: dict[str, dict] = {}
    for invoice in emulator.data.query(
        "Invoices", "DocumentStatus eq 'bost_Open' and PaidToDate eq 0", [], False
    ):
        found.setdefault(invoice["CardCode"], invoice)
    assert len(found) >= count
    return list(found.values())[:count]


def pay(emulator, invoice, reference, *, card_code=None, amount=None):
    """Record an incoming payment in SAP quoting a reference, applied to one invoice."""
    amount = invoice["DocTotal"] if amount is None else amount
    return emulator.data.create(
        "IncomingPayments",
        {"CardCode": card_code or invoice["CardCode"], "TransferSum": amount,
         "TransferReference": reference,
         "PaymentInvoices": [{"DocEntry": invoice["DocEntry"], "SumApplied": amount}]},
    )  # fmt: skip


def request_for(kiosk, invoice):
    return kiosk.services.payments.request_for_numbers([invoice["DocNum"]])


def state_of(kiosk, request):
    return kiosk.services.payments.request(request.reference).state.value


def test_two_kiosks_never_share_a_reference_and_a_payment_settles_only_its_own(
    make_kiosk, emulator
):
    counter_a = make_kiosk("counter-a", kiosk_number=1)
    counter_b = make_kiosk("counter-b", kiosk_number=2)
    counter_a.sync()
    counter_b.sync()
    invoices = open_invoices(emulator, 6)

    at_a = [request_for(counter_a, invoice) for invoice in invoices[:3]]
    at_b = [request_for(counter_b, invoice) for invoice in invoices[3:]]

    references = [request.reference for request in at_a + at_b]
    assert len(set(references)) == 6 and all(map(is_valid_reference, references))
    assert [r[:2] for r in references] == ["01"] * 3 + ["02"] * 3
    pay(emulator, invoices[0], at_a[0].reference)

    report_a, report_b = counter_a.sync(), counter_b.sync()

    assert (report_a.settled_requests, report_b.settled_requests) == (1, 0)
    assert state_of(counter_a, at_a[0]) == "settled"
    assert [state_of(counter_b, request) for request in at_b] == ["open"] * 3


def test_a_rebuilt_cache_hands_out_references_above_those_paid_in_sap(make_kiosk, emulator):
    old_cache = make_kiosk("before-the-disk-died", kiosk_number=3)
    old_cache.sync()
    invoices = open_invoices(emulator, 6)
    old = [request_for(old_cache, invoice) for invoice in invoices[:5]]
    pay(emulator, invoices[0], old[0].reference)
    pay(emulator, invoices[1], old[1].reference)

    rebuilt = make_kiosk("rebuilt", kiosk_number=3)
    rebuilt.sync()  # a fresh cache asks SAP how far kiosk 03 got
    first = request_for(rebuilt, invoices[5])

    assert first.reference not in {request.reference for request in old[:2]}
    assert kiosk_sequence(first.reference, 3) == 3

    # An old slip paid later still moves the numbering past it, as soon as sync reads it.
    pay(emulator, invoices[4], old[4].reference)
    report = rebuilt.sync()
    assert state_of(rebuilt, first) == "open"
    later = rebuilt.services.payments.request_for_numbers([invoices[3]["DocNum"]])

    assert report.settled_requests == 0 and report.mismatched_requests == 0
    assert kiosk_sequence(later.reference, 3) == 6


def test_a_payment_quoting_a_reference_for_another_customer_or_amount_leaves_it_open(
    kiosk, emulator, caplog
):
    kiosk.sync()
    mine, someone_elses = open_invoices(emulator, 2)
    request = request_for(kiosk, mine)
    # Another customer quotes the reference (a slip from a lost cache, a typo that still
    # validates), and the right customer pays only part of it.
    pay(emulator, someone_elses, request.reference)
    pay(emulator, mine, request.reference, amount=mine["DocTotal"] - Decimal("0.01"))

    with caplog.at_level(logging.WARNING, logger="kiosk.services.sync"):
        report = kiosk.sync()

    assert state_of(kiosk, request) == "open"
    assert (report.settled_requests, report.mismatched_requests) == (0, 2)
    assert f"payment request {request.reference}" in caplog.text and "left open" in caplog.text
