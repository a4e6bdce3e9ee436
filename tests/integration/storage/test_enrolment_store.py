"""Enrolment requests on a real database (SQLite, and PostgreSQL when configured): one pending
request per customer, a confirmation written once with its preference, history and outbox, and
an incentive granted once."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Engine

from kiosk.domain.billing_preference import BillingChannel, BillingPreference, PreferenceChange
from kiosk.domain.delivery import (
    DeliveredDocument,
    Delivery,
    DeliveryChannel,
    DeliveryReason,
    DeliveryState,
)
from kiosk.domain.enrolment import CodeAlreadyUsed, EnrolmentRequest, EnrolmentState, Incentive
from kiosk.domain.outbox import BILLING_PREFERENCE, EBILLING_INCENTIVE, OutboxEntry
from kiosk.storage.delivery_store import SqlDeliveryStore
from kiosk.storage.enrolment_store import SqlEnrolmentStore
from kiosk.storage.invoice_store import SqlInvoiceStore
from kiosk.storage.outbox_store import SqlOutboxStore
from kiosk.storage.preference_store import SqlPreferenceStore

NOW = datetime(2026, 12, 3, 10, 0)
ADDRESS = "ana@correo.mx"


@pytest.fixture
def stores(store: SqlInvoiceStore) -> tuple[SqlEnrolmentStore, SqlPreferenceStore, Engine]:
    preferences = SqlPreferenceStore(store.engine)
    return SqlEnrolmentStore(store.engine, preferences), preferences, store.engine


def new_request(customer_code: str = "C001", at: datetime = NOW) -> EnrolmentRequest:
    return EnrolmentRequest(
        id=None, customer_code=customer_code, channel=BillingChannel.BOTH, email=ADDRESS,
        language="es", consent_version="2026-12", code_hash="scrypt$hash", token_hash=None,
        state=EnrolmentState.PENDING, wrong_codes=0, created_at=at,
        expires_at=at + timedelta(minutes=15),
    )  # fmt: skip


def code_mail(customer_code: str = "C001") -> Delivery:
    return Delivery(
        id=None, doc_entry=0, doc_num=0, customer_code=customer_code,
        channel=DeliveryChannel.EMAIL, reason=DeliveryReason.REQUESTED, destination=ADDRESS,
        state=DeliveryState.QUEUED, requested_by="kiosk", created_at=NOW, next_attempt_at=NOW,
        document=DeliveredDocument.ENROLMENT_CODE,
    )  # fmt: skip


def confirmation(request: EnrolmentRequest, incentive: bool = True):
    preference = BillingPreference(
        request.customer_code, request.channel, request.email, NOW, "kiosk self-service", "MTY"
    )
    change = PreferenceChange(preference, "kiosk", NOW, consent_version="2026-12",
                              confirmed_by="code")  # fmt: skip
    entry = OutboxEntry.new(BILLING_PREFERENCE, request.customer_code,
                            {"channel": "BOTH", "email": ADDRESS}, NOW)  # fmt: skip
    granted = Incentive(request.customer_code, Decimal("7.5"), "7.5% off", NOW)
    fields = {"fields": {"U_EBillIncentive": "7.5% off"}}
    incentive_entry = OutboxEntry.new(EBILLING_INCENTIVE, request.customer_code, fields, NOW)
    return (
        request.confirmed(NOW, "code"), change, entry,
        granted if incentive else None, incentive_entry if incentive else None,
    )  # fmt: skip


def test_a_request_is_stored_with_its_code_mail_and_replaces_the_pending_one(stores):
    enrolment, _, engine = stores
    first, _ = enrolment.add_request(new_request(), code_mail())
    second, second_mail = enrolment.add_request(new_request(at=NOW + timedelta(minutes=1)),
                                                code_mail())  # fmt: skip
    other, _ = enrolment.add_request(new_request("C002"), code_mail("C002"))

    assert enrolment.request(first.id or 0).state is EnrolmentState.SUPERSEDED  # type: ignore[union-attr]
    assert enrolment.request(second.id or 0) == second
    assert enrolment.request(other.id or 0).state is EnrolmentState.PENDING  # type: ignore[union-attr]
    deliveries = SqlDeliveryStore(engine)
    mail = deliveries.delivery(second_mail)
    assert mail is not None and mail.reference == str(second.id)
    assert mail.document is DeliveredDocument.ENROLMENT_CODE and mail.destination == ADDRESS
    assert [r.id for r in enrolment.requests(customer_code="C001")] == [second.id, first.id]


def test_a_confirmation_is_written_once_with_preference_history_outbox_and_incentive(stores):
    enrolment, preferences, engine = stores
    request, _ = enrolment.add_request(new_request(), code_mail())

    granted = enrolment.confirm(*confirmation(request))
    with pytest.raises(CodeAlreadyUsed):
        enrolment.confirm(*confirmation(request))

    assert granted is not None and granted.percent == Decimal("7.5")
    assert granted.request_id == request.id
    assert enrolment.incentive("C001") == granted
    stored = enrolment.request(request.id or 0)
    assert stored is not None and stored.state is EnrolmentState.CONFIRMED
    assert (stored.confirmed_at, stored.confirmed_by) == (NOW, "code")
    (change,) = preferences.history("C001")
    assert (change.consent_version, change.confirmed_by) == ("2026-12", "code")
    assert change.incentive_percent == Decimal("7.5")
    assert preferences.preference("C001").channel is BillingChannel.BOTH  # type: ignore[union-attr]
    kinds = sorted(entry.kind for entry in SqlOutboxStore(engine).open_entries())
    assert kinds == [BILLING_PREFERENCE, EBILLING_INCENTIVE]


def test_the_incentive_is_granted_only_once_per_customer(stores):
    enrolment, preferences, engine = stores
    first, _ = enrolment.add_request(new_request(), code_mail())
    enrolment.confirm(*confirmation(first))
    again, _ = enrolment.add_request(new_request(), code_mail())

    assert enrolment.confirm(*confirmation(again)) is None

    kinds = [entry.kind for entry in SqlOutboxStore(engine).open_entries()]
    assert kinds.count(EBILLING_INCENTIVE) == 1
    assert [c.incentive_percent for c in preferences.history("C001")] == [Decimal("7.5"), None]


def test_back_to_paper_ends_the_pending_request(stores):
    enrolment, preferences, _ = stores
    request, _ = enrolment.add_request(new_request(), code_mail())
    paper = BillingPreference("C001", BillingChannel.PAPER, None, NOW, "kiosk self-service", "M")
    entry = OutboxEntry.new(BILLING_PREFERENCE, "C001", {"channel": "PAPER", "email": None}, NOW)

    enrolment.back_to_paper(
        PreferenceChange(paper, "kiosk", NOW, consent_version="2026-12", confirmed_by="kiosk"),
        entry, NOW,
    )  # fmt: skip

    assert enrolment.request(request.id or 0).state is EnrolmentState.SUPERSEDED  # type: ignore[union-attr]
    with pytest.raises(CodeAlreadyUsed):
        enrolment.confirm(*confirmation(request))
    assert [c.preference.channel for c in preferences.history("C001")] == [BillingChannel.PAPER]


def test_a_wrong_code_counts_only_while_the_request_is_pending(stores):
    enrolment, _, _ = stores
    request, _ = enrolment.add_request(new_request(), code_mail())

    assert enrolment.save_attempt(request.after_wrong_code(5), NOW)
    enrolment.end(request.id or 0, EnrolmentState.EXPIRED, NOW)
    assert not enrolment.save_attempt(request.after_wrong_code(5), NOW)

    stored = enrolment.request(request.id or 0)
    assert stored is not None and (stored.state, stored.wrong_codes) == (EnrolmentState.EXPIRED, 1)
