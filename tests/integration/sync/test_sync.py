"""Sync with the emulator over real HTTP into a real SQLite cache: nothing lost, nothing twice."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import text

from kiosk.domain.billing_preference import BillingChannel
from kiosk.domain.outbox import OutboxState
from kiosk.sap_emulator.schema import DEFAULT_USER_FIELDS, UserField
from tests.builders import make_invoice
from tests.integration.sync.conftest import CUSTOMERS, INVOICES, SAP_NOW

SESSION_EXPIRED = {"error": {"code": 301, "message": {"lang": "en-us", "value": "Invalid session"}}}


def sap_invoice(emulator, doc_entry):
    return emulator.data.get("Invoices", doc_entry)


def test_initial_sync_fills_the_cache_exactly(kiosk, emulator):
    report = kiosk.sync()

    assert report.error is None
    assert report.stored["invoices"] == INVOICES and report.stored["customers"] == CUSTOMERS
    assert kiosk.services.storage.invoices.counts() == {
        "invoices": INVOICES,
        "customers": CUSTOMERS,
    }
    record = sap_invoice(emulator, 17)
    cached = kiosk.services.lookup.invoices_by_number(record["DocNum"])[0]
    assert cached.total.amount == record["DocTotal"]
    assert cached.paid_to_date.amount == record["PaidToDate"]
    assert len(cached.lines) == len(record["DocumentLines"])
    cursors = {c.entity: c for c in kiosk.services.storage.cursors.cursors()}
    assert cursors["payments"].last_key == emulator.data.count("IncomingPayments")


def test_progress_is_told_as_pages_are_stored(kiosk):
    told: list[tuple[str, int]] = []

    def note(entity: str, pulled: int) -> None:
        told.append((entity, pulled))
        if entity == "invoices":  # what was told is already in the cache (the next page may be)
            assert kiosk.services.storage.invoices.counts()["invoices"] >= pulled

    report = kiosk.sync(progress=note)

    invoices = [pulled for entity, pulled in told if entity == "invoices"]
    # The kiosk fixture reads pages of 50; the writer may confirm two pages at once.
    assert len(invoices) >= INVOICES // 100 and all(count % 50 == 0 for count in invoices)
    assert invoices == sorted(invoices) and invoices[-1] == report.pulled["invoices"] == INVOICES
    assert [pulled for entity, pulled in told if entity == "customers"][-1] == CUSTOMERS


def test_preferences_registered_in_sap_are_adopted(kiosk, emulator):
    kiosk.sync()

    with_channel = [
        r for r in emulator.data.query("BusinessPartners", "U_BillingChannel ne null", [], False)
    ]
    assert with_channel
    code = with_channel[0]["CardCode"]
    preference = kiosk.services.storage.invoices.billing_preference(code)
    assert (
        preference is not None and preference.channel.value == with_channel[0]["U_BillingChannel"]
    )
    assert [change.source for change in kiosk.preferences.history(code)] == ["sap"]


def test_delta_never_misses_same_second_and_same_minute_changes(kiosk, emulator):
    kiosk.sync()
    emulator.clock.freeze(SAP_NOW + timedelta(hours=1))
    emulator.data.patch("Invoices", 5, {"Comments": "first"})
    emulator.data.patch("Invoices", 6, {"Comments": "same second"})
    first = kiosk.sync()
    emulator.clock.advance(20)  # the same minute, a later second
    emulator.data.patch("Invoices", 7, {"Comments": "same minute"})
    created = emulator.data.create(
        "Invoices", {"CardCode": "C000003", "DocumentLines": [{"ItemCode": "A1", "UnitPrice": 10}]}
    )

    second = kiosk.sync()

    assert first.stored["invoices"] == 2
    assert second.stored["invoices"] == 2  # invoice 7 and the new one; 5 and 6 skipped by version
    lookup = kiosk.services.lookup
    assert [
        lookup.invoices_by_number(sap_invoice(emulator, n)["DocNum"])[0].comments for n in (5, 6, 7)
    ] == [
        "first",
        "same second",
        "same minute",
    ]
    assert lookup.invoices_by_number(created["DocNum"])[0].total.amount == Decimal("11.60")
    cursors = {c.entity: c for c in kiosk.services.storage.cursors.cursors()}
    assert cursors["invoices"].watermark == SAP_NOW + timedelta(hours=1, seconds=20)


def test_a_repeated_pass_reads_the_overlap_but_writes_nothing(kiosk, emulator):
    kiosk.sync()
    emulator.data.patch("Invoices", 9, {"Comments": "today"})
    kiosk.sync()

    again = kiosk.sync()

    assert again.pulled["invoices"] >= 1
    assert again.stored["invoices"] == 0 and again.stored["customers"] == 0


@pytest.mark.parametrize("parallel", [1, 4])
def test_session_expiry_and_a_502_in_the_middle_of_a_sync(kiosk, emulator, parallel):
    # The third and fifth pages: by $skip one after another, by their window in parallel.
    kiosk.parallel = parallel
    third, fifth = (
        (r"\$skip=100", r"\$skip=200") if parallel == 1 else ("ge%20101%20", "ge%20201%20")
    )
    emulator.faults.fail_next(rf"^Invoices\?.*{third}", status=401, body=SESSION_EXPIRED)
    emulator.faults.fail_next(rf"^Invoices\?.*{fifth}", status=502, html=True)

    report = kiosk.sync()

    assert report.error is None
    assert kiosk.services.storage.invoices.counts()["invoices"] == INVOICES
    assert emulator.sessions.logins_seen == 2


def test_sap_down_keeps_the_preference_then_pushes_it_once(kiosk, emulator):
    kiosk.sync()
    online_root = kiosk.root
    kiosk.root = "http://127.0.0.1:9/b1s/v2/"  # nothing listens there
    kiosk.preferences.register(
        "C000002", BillingChannel.BOTH, "Cobranza@Cliente2.MX", clerk="lupita", consent_given=True
    )

    offline = kiosk.sync()

    assert "unreachable at http://127.0.0.1:9/b1s/v2/ (connection refused)" in (offline.error or "")
    assert offline.pending == 1
    local = kiosk.services.storage.invoices.billing_preference("C000002")
    assert (local.channel, local.email) == (BillingChannel.BOTH, "Cobranza@cliente2.mx")

    kiosk.root = online_root
    kiosk.clock.advance(minutes=5)  # past the retry delay
    before = emulator.data.get("BusinessPartners", "C000002")["DataVersion"]
    back = kiosk.sync()
    kiosk.clock.advance(minutes=5)
    kiosk.sync()

    partner = emulator.data.get("BusinessPartners", "C000002")
    assert back.push.pushed == 1 and back.pending == 0
    assert (partner["U_BillingChannel"], partner["U_BillingEmail"]) == (
        "BOTH",
        "Cobranza@cliente2.mx",
    )
    assert partner["DataVersion"] == before + 1


def test_a_push_whose_answer_is_lost_changes_sap_exactly_once(kiosk, emulator):
    kiosk.sync()
    kiosk.preferences.register(
        "C000004", BillingChannel.EMAIL, "a@b.mx", clerk="x", consent_given=True
    )
    emulator.faults.write_then_drop_next(r"^BusinessPartners\('C000004'\)", method="PATCH")
    before = emulator.data.get("BusinessPartners", "C000004")["DataVersion"]

    lost = kiosk.pusher().push_due()
    kiosk.clock.advance(minutes=2)
    retried = kiosk.pusher().push_due()

    assert (lost.pushed, lost.deferred) == (0, 1)
    assert retried.pushed == 1
    assert emulator.data.get("BusinessPartners", "C000004")["DataVersion"] == before + 1
    entry = kiosk.services.storage.outbox.entry(1)
    assert entry.state is OutboxState.DONE and entry.attempts == 2


def test_a_rejected_value_is_parked_with_sap_message_and_blocks_nothing(kiosk, emulator):
    kiosk.sync()
    emulator.data.user_fields = [
        UserField(
            "OCRD",
            "BillingChannel",
            "Billing channel",
            10,
            (("PAPER", "Paper"), ("EMAIL", "E-mail")),
        ),
        *[u for u in DEFAULT_USER_FIELDS if u.name != "BillingChannel"],
    ]
    register = kiosk.preferences.register
    register("C000005", BillingChannel.BOTH, "c5@x.mx", clerk="x", consent_given=True)
    register("C000005", BillingChannel.EMAIL, "c5@x.mx", clerk="x", consent_given=True)
    register("C000006", BillingChannel.PAPER, None, clerk="x", consent_given=True)

    report = kiosk.sync()

    assert (report.push.pushed, report.push.parked, report.pending, report.parked) == (2, 1, 0, 1)
    parked = kiosk.services.outbox.entries()[0]
    assert parked.state is OutboxState.PARKED and parked.last_error_code == "-1004"
    assert (
        "'BOTH' is not a valid value for property 'U_BillingChannel'" in parked.last_error_message
    )
    assert emulator.data.get("BusinessPartners", "C000005")["U_BillingChannel"] == "EMAIL"
    assert emulator.data.get("BusinessPartners", "C000006")["U_BillingChannel"] == "PAPER"


def test_a_payment_posted_in_sap_updates_the_amount_due(kiosk, emulator):
    kiosk.sync()
    invoice = next(
        iter(
            emulator.data.query(
                "Invoices", "DocumentStatus eq 'bost_Open' and PaidToDate eq 0", [], False
            )
        )
    )
    half = (invoice["DocTotal"] / 2).quantize(Decimal("0.01"))
    emulator.clock.freeze(SAP_NOW + timedelta(minutes=30))
    emulator.data.create(
        "IncomingPayments",
        {"CardCode": invoice["CardCode"], "TransferSum": half,
         "PaymentInvoices": [{"DocEntry": invoice["DocEntry"], "SumApplied": half}]},
    )  # fmt: skip
    assert sap_invoice(emulator, invoice["DocEntry"])["UpdateDate"] == invoice["UpdateDate"]

    report = kiosk.sync()

    cached = kiosk.services.lookup.invoices_by_number(invoice["DocNum"])[0]
    assert report.pulled["payments"] == 1 and report.refreshed_by_payments == 1
    assert cached.amount_due.amount == invoice["DocTotal"] - half


def test_full_sync_reconciles_and_flags_what_sap_no_longer_has(kiosk, emulator):
    kiosk.sync()
    store = kiosk.services.storage.invoices
    store.upsert_invoices([make_invoice(999_999, doc_num=999_999, customer_code="C000001")])
    emulator.data.delete("BusinessPartners", "C000030")
    with store.engine.begin() as connection:
        connection.execute(text("UPDATE invoices SET paid_to_date = 0 WHERE doc_entry = 1"))

    report = kiosk.sync(full=True)

    found = report.reconciliation
    assert found is not None and found.invoices_in_sap == INVOICES
    assert found.flagged_invoices == 1 and found.flagged_customers == 1
    assert "C000001" in found.customers_with_different_count
    payer = sap_invoice(emulator, 1)
    if payer["PaidToDate"]:
        assert payer["CardCode"] in found.customers_with_different_balance
    with store.engine.connect() as connection:
        flagged = (
            connection.execute(text("SELECT doc_entry FROM invoices WHERE missing_in_sap"))
            .scalars()
            .all()
        )
    assert flagged == [999_999]


def test_a_later_change_in_sap_wins_and_both_stay_in_history(kiosk, emulator):
    kiosk.sync()
    kiosk.preferences.register(
        "C000007", BillingChannel.PAPER, None, clerk="ana", consent_given=True
    )
    emulator.clock.freeze(kiosk.clock.now() + timedelta(minutes=1))  # after the registration
    emulator.data.patch(
        "BusinessPartners", "C000007", {"U_BillingChannel": "EMAIL", "U_BillingEmail": "sap@c7.mx"}
    )
    emulator.faults.fail_next(
        r"^BusinessPartners\('C000007'\)", method="PATCH", status=503, times=5
    )

    kiosk.sync()  # the push fails for now; the pull sees SAP's newer value
    kiosk.clock.advance(hours=2)
    kiosk.sync()

    current = kiosk.services.storage.invoices.billing_preference("C000007")
    assert (current.channel, current.email) == (BillingChannel.EMAIL, "sap@c7.mx")
    assert [c.source for c in kiosk.preferences.history("C000007")][-2:] == ["kiosk", "sap"]
    assert kiosk.services.outbox.entries() == []  # the kiosk's older push was superseded
    assert emulator.data.get("BusinessPartners", "C000007")["U_BillingChannel"] == "EMAIL"


def test_an_older_sap_value_loses_to_the_kiosk_registration(kiosk, emulator):
    kiosk.sync()
    emulator.clock.freeze(kiosk.clock.now() - timedelta(minutes=3))  # before the registration
    emulator.data.patch(
        "BusinessPartners", "C000008", {"U_BillingChannel": "BOTH", "U_BillingEmail": "old@c8.mx"}
    )
    kiosk.preferences.register(
        "C000008", BillingChannel.EMAIL, "k@c8.mx", clerk="ana", consent_given=True
    )
    emulator.faults.fail_next(r"^BusinessPartners\('C000008'\)", method="PATCH", status=503)

    kiosk.sync()
    kiosk.clock.advance(hours=2)
    kiosk.sync()

    partner = emulator.data.get("BusinessPartners", "C000008")
    assert (partner["U_BillingChannel"], partner["U_BillingEmail"]) == ("EMAIL", "k@c8.mx")
    history = kiosk.preferences.history("C000008")
    assert [c.source for c in history][-2:] == ["kiosk", "sap"]
    assert history[-1].preference.email == "old@c8.mx"
    assert "older than the kiosk's registration" in history[-1].note


def test_a_payment_quoting_a_request_reference_settles_the_request(kiosk, emulator):
    kiosk.sync()
    invoice = next(
        iter(
            emulator.data.query(
                "Invoices", "DocumentStatus eq 'bost_Open' and PaidToDate eq 0", [], False
            )
        )
    )
    request = kiosk.services.payments.request_for_numbers([invoice["DocNum"]])
    emulator.data.create(
        "IncomingPayments",
        {"CardCode": invoice["CardCode"], "TransferSum": invoice["DocTotal"],
         "TransferReference": request.reference,
         "PaymentInvoices": [{"DocEntry": invoice["DocEntry"], "SumApplied": invoice["DocTotal"]}]},
    )  # fmt: skip

    report = kiosk.sync()

    settled = kiosk.services.payments.request(request.reference)
    assert report.settled_requests == 1
    assert settled.state.value == "settled" and settled.settled_by_payment is not None
    assert kiosk.services.lookup.invoices_by_number(invoice["DocNum"])[0].amount_due.is_zero()
