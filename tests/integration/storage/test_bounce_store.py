"""Bounces on a real database (SQLite, and PostgreSQL when configured): the delivery, the paper
preference with its history and outbox entry, and the paper copy, written once, together."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from kiosk.domain.billing_preference import BillingChannel, BillingPreference, PreferenceChange
from kiosk.domain.delivery import Delivery, DeliveryChannel, DeliveryReason, DeliveryState
from kiosk.domain.outbox import BILLING_PREFERENCE, OutboxEntry
from kiosk.domain.reports import ReportPeriod
from kiosk.services.ports.bounces import BackToPaper, RecordedBounce
from kiosk.services.reports import Reports
from kiosk.storage.bounce_store import SqlBounceStore
from kiosk.storage.delivery_store import SqlDeliveryStore
from kiosk.storage.invoice_store import SqlInvoiceStore
from kiosk.storage.outbox_store import SqlOutboxStore
from kiosk.storage.preference_store import SqlPreferenceStore
from kiosk.storage.report_store import SqlReportSource
from kiosk.storage.sync_cursor_store import SqlSyncCursorStore
from tests.builders import make_customer, make_preference

NOW = datetime(2026, 12, 3, 16, 0)
SENT_AT = NOW - timedelta(hours=6)
TO = "ana@cliente.mx"


@pytest.fixture
def stores(store: SqlInvoiceStore):
    store.upsert_customers([make_customer("C001")])
    deliveries, preferences = SqlDeliveryStore(store.engine), SqlPreferenceStore(store.engine)
    registered = make_preference(
        "C001", channel=BillingChannel.EMAIL, email=TO, consent_at=SENT_AT - timedelta(days=1)
    )
    entry = OutboxEntry.new(BILLING_PREFERENCE, "C001", {"channel": "EMAIL", "email": TO}, SENT_AT)
    preferences.save_registered(registered, entry)
    return SqlBounceStore(store.engine, deliveries, preferences), deliveries, preferences, store


def delivery(channel: DeliveryChannel, **overrides) -> Delivery:
    values = dict(
        id=None, doc_entry=70, doc_num=5001, customer_code="C001", channel=channel,
        reason=DeliveryReason.AUTOMATIC, destination=TO if channel is DeliveryChannel.EMAIL else "",
        state=DeliveryState.QUEUED, requested_by="kiosk", created_at=SENT_AT,
        next_attempt_at=SENT_AT,
    )  # fmt: skip
    values.update(overrides)
    return Delivery(**values)


def sent_email(deliveries: SqlDeliveryStore) -> Delivery:
    added = deliveries.add_delivery(delivery(DeliveryChannel.EMAIL))
    assert added is not None and added.id is not None
    assert deliveries.claim_delivery(added, SENT_AT, "host:1", SENT_AT)
    deliveries.finish_delivery(added.id, "<kiosk-1-x@ejemplo.mx>", SENT_AT, None)
    return added


def bounce_of(email: Delivery, *, copy: bool = True) -> RecordedBounce:
    assert email.id is not None
    paper = BillingPreference("C001", BillingChannel.PAPER, None, NOW, "kiosk", "MATRIZ")
    entry = OutboxEntry.new(BILLING_PREFERENCE, "C001", {"channel": "PAPER", "email": None}, NOW)
    change = PreferenceChange(paper, "bounce", NOW, "5.1.1 550 user unknown")
    copied = delivery(
        DeliveryChannel.PAPER, destination="Caja1", created_at=NOW, requested_by="bounce"
    )
    return RecordedBounce(
        email.id, "5.1.1", "5.1.1 550 user unknown", NOW,
        back_to_paper=BackToPaper(change, entry), paper_copy=copied if copy else None,
    )  # fmt: skip


def test_a_bounce_is_written_once_with_all_it_changes(stores):
    bounces, deliveries, preferences, store = stores
    email = sent_email(deliveries)

    assert bounces.record_bounce(bounce_of(email)) is True
    assert bounces.record_bounce(bounce_of(email)) is False

    found = deliveries.delivery(email.id)
    assert (found.state, found.last_error_code, found.last_error, found.bounced_at) == (
        DeliveryState.BOUNCED, "5.1.1", "5.1.1 550 user unknown", NOW,
    )  # fmt: skip
    assert deliveries.due_deliveries(NOW)[0].channel is DeliveryChannel.PAPER
    assert len(deliveries.deliveries(channel=DeliveryChannel.PAPER)) == 1
    assert preferences.preference("C001").channel is BillingChannel.PAPER
    assert [c.source for c in preferences.history("C001")] == ["kiosk", "bounce"]
    pushes = [e.payload["channel"] for e in SqlOutboxStore(store.engine).open_entries()]
    assert pushes == ["EMAIL", "PAPER"]


def test_an_invoice_already_on_paper_gets_no_second_copy(stores):
    bounces, deliveries, _preferences, _store = stores
    deliveries.add_delivery(delivery(DeliveryChannel.PAPER))  # the customer had "both"
    email = sent_email(deliveries)

    assert bounces.record_bounce(bounce_of(email)) is True

    assert len(deliveries.deliveries(channel=DeliveryChannel.PAPER)) == 1


def test_a_delay_is_noted_on_a_sent_delivery_only(stores):
    bounces, deliveries, _preferences, _store = stores
    email = sent_email(deliveries)
    bounces.note_delay(email.id, "4.4.1", "delayed: 4.4.1 timed out", NOW)
    assert deliveries.delivery(email.id).last_error == "delayed: 4.4.1 timed out"

    bounces.record_bounce(bounce_of(email, copy=False))
    bounces.note_delay(email.id, "4.4.1", "delayed again", NOW)

    found = deliveries.delivery(email.id)
    assert (found.state, found.last_error_code) == (DeliveryState.BOUNCED, "5.1.1")


def test_the_deliveries_report_counts_a_bounce_as_failed(stores):
    bounces, deliveries, _preferences, store = stores
    email = sent_email(deliveries)
    bounces.record_bounce(bounce_of(email, copy=False))

    reports = Reports(SqlReportSource(store.engine), SqlSyncCursorStore(store.engine))
    days = reports.deliveries(ReportPeriod(SENT_AT.date(), NOW.date()))

    assert [(d.channel, d.outcome, d.count) for d in days] == [("email", "failed", 1)]
