"""The outbox's backoff protects an SAP that does not answer, never one that does."""

from __future__ import annotations

from kiosk.domain.billing_preference import BillingChannel
from kiosk.domain.outbox import OutboxState

OFFLINE_ROOT = "http://127.0.0.1:9/b1s/v2/"  # nothing listens there


def register_email(kiosk, code="C000002", email="cobranza@cliente2.mx"):
    kiosk.preferences.register(
        code, BillingChannel.EMAIL, email, clerk="lupita", consent_given=True
    )


def sap_partner(emulator, code="C000002"):
    return emulator.data.get("BusinessPartners", code)


def test_the_first_pass_that_reaches_sap_pushes_what_an_outage_held_back(kiosk, emulator):
    kiosk.sync()
    online_root, kiosk.root = kiosk.root, OFFLINE_ROOT
    register_email(kiosk)
    offline = kiosk.sync()
    assert offline.error and offline.pending == 1

    kiosk.root = online_root
    back = kiosk.sync()  # a scheduled pass, at once: no one waited out the delay

    assert back.error is None
    assert back.push.pushed == 1 and back.pending == 0
    assert sap_partner(emulator)["U_BillingEmail"] == "cobranza@cliente2.mx"


def test_an_outage_of_hours_does_not_leave_the_change_stale_for_an_hour(kiosk, emulator):
    kiosk.sync()
    online_root, kiosk.root = kiosk.root, OFFLINE_ROOT
    register_email(kiosk)
    for _ in range(10):  # a backoff that doubled each time would now be an hour long
        kiosk.clock.advance(hours=1)
        assert kiosk.sync().error

    kiosk.root = online_root
    back = kiosk.sync()

    assert back.push.pushed == 1 and back.pending == 0


def test_a_lost_answer_is_checked_and_not_sent_twice_in_the_next_pass(kiosk, emulator):
    kiosk.sync()
    register_email(kiosk, "C000004", "a@b.mx")
    emulator.faults.write_then_drop_next(r"^BusinessPartners\('C000004'\)", method="PATCH")
    before = sap_partner(emulator, "C000004")["DataVersion"]

    lost = kiosk.sync()
    again = kiosk.sync()  # at once: SAP answers, so the lost answer is looked up now

    assert lost.push.deferred == 1 and lost.pending == 1
    assert again.push.pushed == 1 and again.pending == 0
    assert sap_partner(emulator, "C000004")["DataVersion"] == before + 1  # applied once
    entry = kiosk.services.storage.outbox.entry(1)
    assert entry.state is OutboxState.DONE and entry.attempts == 2


def test_sap_failing_a_write_keeps_its_backoff_until_someone_asks(kiosk, emulator):
    kiosk.sync()
    register_email(kiosk)
    emulator.faults.fail_next(r"^BusinessPartners\('C000002'\)", status=500, method="PATCH")

    failed = kiosk.sync()
    scheduled = kiosk.sync()

    assert failed.push.deferred == 1
    assert scheduled.push.pushed == 0 and scheduled.pending == 1  # SAP answers but failed it
    asked = kiosk.sync(asked=True)
    assert asked.push.pushed == 1 and asked.pending == 0
    assert sap_partner(emulator)["U_BillingEmail"] == "cobranza@cliente2.mx"


def test_a_sync_someone_asked_for_leaves_parked_changes_parked(kiosk, emulator):
    kiosk.sync()
    emulator.data.delete("BusinessPartners", "C000003")  # SAP refuses the push: parked
    kiosk.preferences.register("C000003", BillingChannel.PAPER, None, clerk="x", consent_given=True)
    kiosk.sync()
    assert kiosk.services.storage.outbox.entry(1).state is OutboxState.PARKED

    asked = kiosk.sync(asked=True)

    assert asked.push.pushed == 0 and asked.parked == 1
    assert kiosk.services.storage.outbox.entry(1).attempts == 1
