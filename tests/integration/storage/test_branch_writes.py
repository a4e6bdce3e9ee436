"""Two counters writing to one database (SQLite, and PostgreSQL when configured): a delivery is
claimed by one sender only, and a preference saved from a stale screen overwrites nothing."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest

from kiosk.domain.billing_preference import BillingChannel, BillingPreference
from kiosk.domain.delivery import Delivery, DeliveryChannel, DeliveryReason, DeliveryState
from kiosk.domain.outbox import BILLING_PREFERENCE, OutboxEntry
from kiosk.services.ports.preferences import PreferenceChangedMeanwhile, PreferenceDecision
from kiosk.storage.delivery_store import SqlDeliveryStore
from kiosk.storage.invoice_store import SqlInvoiceStore
from kiosk.storage.outbox_store import SqlOutboxStore
from kiosk.storage.preference_store import SqlPreferenceStore

NOW = datetime(2026, 12, 3, 10, 0)


def queued_email() -> Delivery:
    return Delivery(
        id=None, doc_entry=7, doc_num=5007, customer_code="C001", channel=DeliveryChannel.EMAIL,
        reason=DeliveryReason.REQUESTED, destination="ana@correo.mx", state=DeliveryState.QUEUED,
        requested_by="counter", created_at=NOW, next_attempt_at=NOW,
    )  # fmt: skip


def test_a_delivery_is_claimed_once_and_stays_listed_as_sending(store: SqlInvoiceStore):
    deliveries = SqlDeliveryStore(store.engine)
    added = deliveries.add_delivery(queued_email())
    assert added is not None

    until = NOW + timedelta(minutes=10)
    assert deliveries.claim_delivery(added, NOW, "caja1:10", until)
    assert not deliveries.claim_delivery(added, NOW, "caja2:20", until)  # its copy is stale

    [due] = deliveries.due_deliveries(NOW)
    assert (due.state, due.claimed_by, due.attempts) == (DeliveryState.SENDING, "caja1:10", 1)
    assert due.next_attempt_at == until


def test_of_many_senders_claiming_together_exactly_one_gets_the_delivery(store: SqlInvoiceStore):
    deliveries = SqlDeliveryStore(store.engine)
    added = deliveries.add_delivery(queued_email())
    assert added is not None
    start, won = threading.Barrier(4), []

    def claim(number: int) -> None:
        start.wait()
        if deliveries.claim_delivery(added, NOW, f"caja{number}:1", NOW + timedelta(minutes=10)):
            won.append(number)

    threads = [threading.Thread(target=claim, args=(number,)) for number in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(won) == 1


def preference(channel: BillingChannel, clerk: str) -> BillingPreference:
    return BillingPreference("C001", channel, "ana@correo.mx", NOW, clerk, "MTY-01")


def entry(channel: BillingChannel) -> OutboxEntry:
    return OutboxEntry.new(
        BILLING_PREFERENCE, "C001", {"channel": channel.value, "email": "ana@correo.mx"}, NOW
    )


def save(preferences: SqlPreferenceStore, channel: BillingChannel, clerk: str, based_on):
    preferences.save_registered(preference(channel, clerk), entry(channel), based_on=based_on)


def test_a_save_from_a_stale_screen_is_refused_and_writes_nothing(store: SqlInvoiceStore):
    preferences, outbox = SqlPreferenceStore(store.engine), SqlOutboxStore(store.engine)
    assert preferences.on_file("C001").version == 0
    save(preferences, BillingChannel.EMAIL, "ana", based_on=0)
    assert preferences.on_file("C001").version == 1

    # Both clerks saw version 1; the second to save must not overwrite the first unseen.
    save(preferences, BillingChannel.BOTH, "beto", based_on=1)
    with pytest.raises(PreferenceChangedMeanwhile, match="another counter"):
        save(preferences, BillingChannel.PAPER, "carla", based_on=1)

    on_file = preferences.on_file("C001")
    assert on_file.version == 2
    assert [change.preference.registered_by for change in on_file.history] == ["ana", "beto"]
    current = preferences.preference("C001")
    assert current is not None and current.channel is BillingChannel.BOTH
    assert outbox.counts()["pending"] == 2
    # A first registration races too: a screen that saw none cannot overwrite one made since.
    with pytest.raises(PreferenceChangedMeanwhile):
        save(preferences, BillingChannel.PAPER, "carla", based_on=0)


def test_changes_without_a_screen_raise_the_version_too(store: SqlInvoiceStore):
    preferences = SqlPreferenceStore(store.engine)
    save(preferences, BillingChannel.EMAIL, "ana", based_on=None)
    sap = preference(BillingChannel.PAPER, "SAP")
    preferences.apply_decisions(
        [PreferenceDecision("C001", BillingChannel.PAPER, None, new_current=sap)], NOW
    )

    assert preferences.on_file("C001").version == 2
    with pytest.raises(PreferenceChangedMeanwhile):
        save(preferences, BillingChannel.BOTH, "ana", based_on=1)


def test_of_two_counters_saving_together_one_wins_and_one_is_told(store: SqlInvoiceStore):
    preferences = SqlPreferenceStore(store.engine)
    save(preferences, BillingChannel.EMAIL, "ana", based_on=0)
    start, outcomes = threading.Barrier(2), []

    def counter(channel: BillingChannel, clerk: str) -> None:
        start.wait()
        try:
            save(preferences, channel, clerk, based_on=1)
            outcomes.append(clerk)
        except PreferenceChangedMeanwhile:
            outcomes.append("refused")

    threads = [
        threading.Thread(target=counter, args=(BillingChannel.PAPER, "beto")),
        threading.Thread(target=counter, args=(BillingChannel.BOTH, "carla")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes)[-1] == "refused" and len(set(outcomes)) == 2
    on_file = preferences.on_file("C001")
    assert on_file.version == 2 and len(on_file.history) == 2
