"""Tracking: the events the services record, with the customer's code only, and that a failing
recorder never stops what the customer is doing."""

from __future__ import annotations

import logging
from dataclasses import fields, replace
from datetime import datetime
from types import SimpleNamespace

import pytest

from kiosk.domain.billing_preference import BillingChannel
from kiosk.domain.delivery import DeliveryState
from kiosk.domain.errors import InvalidValue
from kiosk.domain.tracking import EventKind, TrackedEvent
from kiosk.payments.qr_encoder import QrEncoder
from kiosk.payments.url_template import UrlTemplateBuilder
from kiosk.services.branch_work import BranchWork
from kiosk.services.customer_identification import (
    CustomerIdentification,
    IdentificationFailed,
    TooManyAttempts,
)
from kiosk.services.delivery import DeliveryOptions, DeliveryService
from kiosk.services.errors import ExternalUnavailable
from kiosk.services.fiscal_documents import NOT_STAMPED
from kiosk.services.invoice_documents import InvoiceDocuments
from kiosk.services.payments import PaymentService
from kiosk.services.preferences import PreferenceService
from kiosk.services.sync import SyncReport
from kiosk.services.tracking import Tracking, TrackingRetention
from kiosk.storage.sync_lease import SingleClientLease
from tests.builders import make_customer, make_invoice
from tests.fakes.in_memory_cursor_store import InMemoryCursorStore
from tests.fakes.in_memory_invoice_store import InMemoryInvoiceStore
from tests.fakes.mutable_clock import MutableClock
from tests.unit.services.test_payments import InMemoryRequests

NOW = datetime(2026, 3, 1, 10, 0)
PERSONAL = ("CPN010101AB1", "CPN-010101-AB1", "Peña", "pagos@penanorte.mx")


class Recorder:
    def __init__(self) -> None:
        self.events: list[TrackedEvent] = []

    def record(self, event: TrackedEvent) -> None:
        self.events.append(event)


class BrokenRecorder:
    def record(self, event: TrackedEvent) -> None:
        raise ExternalUnavailable("database is locked")


@pytest.fixture
def store() -> InMemoryInvoiceStore:
    store = InMemoryInvoiceStore()
    store.upsert_customers([make_customer("C001"), make_customer("C002", tax_id="OTR990101XY2")])
    store.upsert_invoices(
        [make_invoice(1), make_invoice(4, customer_code="C002", customer_tax_id="OTR990101XY2")]
    )
    return store


def kinds(recorder: Recorder) -> list[tuple[EventKind, str | None]]:
    return [(event.kind, event.customer_code) for event in recorder.events]


def test_identifications_are_recorded_by_customer_code_only(store: InMemoryInvoiceStore):
    recorder, clock = Recorder(), MutableClock(NOW)
    identification = CustomerIdentification(store, clock, tracking=Tracking(recorder, clock))

    identification.identify("cpn010101ab1", "1001")
    for who in ("CPN010101AB1", "NADIE990101XX1", "C002"):
        with pytest.raises(IdentificationFailed):
            identification.identify(who, "1004" if who != "C002" else "1001")
    with pytest.raises(TooManyAttempts):
        identification.identify("CPN010101AB1", "1001")

    assert kinds(recorder) == [
        (EventKind.IDENTIFIED, "C001"),
        (EventKind.IDENTIFICATION_FAILED, "C001"),  # C001 exists; the invoice is not theirs
        (EventKind.IDENTIFICATION_FAILED, None),  # nobody has that tax ID
        (EventKind.IDENTIFICATION_FAILED, "C002"),
        (EventKind.IDENTIFICATION_THROTTLED, None),
    ]
    assert all(event.at == NOW for event in recorder.events)
    stored = [str(getattr(e, f.name)) for e in recorder.events for f in fields(e)]
    assert not [value for value in stored if any(p.lower() in value.lower() for p in PERSONAL)]


def test_a_failing_recorder_is_logged_and_identification_goes_on(
    store: InMemoryInvoiceStore, caplog: pytest.LogCaptureFixture
):
    clock = MutableClock(NOW)
    identification = CustomerIdentification(
        store, clock, tracking=Tracking(BrokenRecorder(), clock)
    )

    with caplog.at_level(logging.ERROR, logger="kiosk.services.tracking"):
        found = identification.identify("C001", "1001")

    assert found.customer.code == "C001"
    assert "could not record the tracking event identified" in caplog.text


def test_a_preference_change_is_recorded_with_its_channel(store: InMemoryInvoiceStore):
    recorder, clock = Recorder(), MutableClock(NOW)
    saved = []
    preferences = SimpleNamespace(save_registered=lambda p, e, **_: saved.append(p))
    service = PreferenceService(
        store, preferences, clock, branch="MTY", tracking=Tracking(recorder, clock)
    )

    service.register("C001", BillingChannel.BOTH, "x@y.mx", clerk="ana", consent_given=True)

    assert saved and recorder.events == [
        TrackedEvent(EventKind.PREFERENCE_CHANGED, NOW, "C001", "BOTH")
    ]


def test_paying_at_the_kiosk_is_recorded_each_time_a_pdf_s_request_is_not(
    store: InMemoryInvoiceStore,
):
    recorder, clock = Recorder(), MutableClock(NOW)
    payments = PaymentService(
        store, InMemoryRequests(), UrlTemplateBuilder("https://p/{reference}"), QrEncoder("M"),
        clock, tracking=Tracking(recorder, clock),
    )  # fmt: skip
    invoices = store.invoices_by_number(1001)

    on_the_pdf = payments.request_for_numbers([1001])  # an invoice PDF's payment QR
    first = payments.asked_for(invoices)  # Pay, at the kiosk
    again = payments.asked_for(invoices)

    assert on_the_pdf == first == again  # one request, reused
    assert kinds(recorder) == [(EventKind.PAYMENT_REQUESTED, "C001")] * 2


def test_an_opened_invoice_is_recorded_as_viewed_reading_its_lines_is_not(
    store: InMemoryInvoiceStore,
):
    recorder, clock = Recorder(), MutableClock(NOW)
    payments = PaymentService(
        store, InMemoryRequests(), UrlTemplateBuilder("https://p/{reference}"), QrEncoder("M"),
        clock,
    )  # fmt: skip
    documents = InvoiceDocuments(
        store, payments, SimpleNamespace(), SimpleNamespace(), QrEncoder("M"), clock,
        tracking=Tracking(recorder, clock),
    )  # fmt: skip
    listed = store.invoices_by_number(1001)[0]

    documents.with_lines(listed)  # e.g. after a dispute, to show the invoice again
    assert recorder.events == []
    documents.opened(listed)
    assert kinds(recorder) == [(EventKind.INVOICE_VIEWED, "C001")]


class Deliveries:
    """The delivery store's part DeliveryService uses for a requested delivery."""

    def __init__(self) -> None:
        self.rows = {}

    def add_delivery(self, delivery):
        stored = replace(delivery, id=len(self.rows) + 1)
        self.rows[stored.id] = stored
        return stored

    def delivery(self, delivery_id):
        return self.rows[delivery_id]

    def claim_delivery(self, delivery, now, claimer, until):
        self.rows[delivery.id] = replace(delivery, state=DeliveryState.SENDING)
        return True

    def finish_delivery(self, delivery_id, receipt, now, activity):
        self.rows[delivery_id] = replace(self.rows[delivery_id], state=DeliveryState.SENT)

    def retry_delivery(self, delivery_id, at, code, error, now):
        self.rows[delivery_id] = replace(self.rows[delivery_id], state=DeliveryState.QUEUED)

    def fail_delivery(self, delivery_id, code, error, now):
        self.rows[delivery_id] = replace(self.rows[delivery_id], state=DeliveryState.FAILED)


class Printer:
    def __init__(self, answer: Exception | None = None) -> None:
        self.answer = answer

    def print_pdf(self, pdf, *, printer, title):
        if self.answer is not None:
            raise self.answer
        return "job-1"


def test_prints_and_their_outcomes_are_recorded(store: InMemoryInvoiceStore):
    recorder, clock = Recorder(), MutableClock(NOW)
    documents = SimpleNamespace(
        fiscal_reading=lambda invoice: NOT_STAMPED, invoice_pdf=lambda invoice, language: b"%PDF"
    )
    options = DeliveryOptions(language="es", seller="Ejemplo", auto_printer=None)
    printer = Printer()
    service = DeliveryService(
        Deliveries(), store, documents, None, None, printer, InMemoryCursorStore(), clock,
        options, tracking=Tracking(recorder, clock),
    )  # fmt: skip
    invoice = store.invoices_by_number(1001)[0]

    service.print(invoice, printer=None, requested_by="kiosk")
    printer.answer = ExternalUnavailable("printer stopped")
    service.print(invoice, printer=None, requested_by="kiosk")

    assert [(e.kind, e.customer_code, e.channel, e.outcome) for e in recorder.events] == [
        (EventKind.DELIVERY_SENT, "C001", "paper", ""),
        (EventKind.INVOICE_PRINTED, "C001", "paper", "sent"),
        (EventKind.DELIVERY_FAILED, "C001", "paper", "retrying"),
        (EventKind.INVOICE_PRINTED, "C001", "paper", "queued"),
    ]


class Events:
    def __init__(self, fails: int = 0) -> None:
        self.fails = fails
        self.cutoffs: list[datetime] = []

    def record(self, event: TrackedEvent) -> None:
        return None

    def purge_before(self, cutoff: datetime, *, batch: int) -> int:
        if self.fails:
            self.fails -= 1
            raise ExternalUnavailable("database is locked")
        self.cutoffs.append(cutoff)
        return 3


def test_retention_runs_once_a_day_and_again_after_a_failure(caplog: pytest.LogCaptureFixture):
    events, clock = Events(fails=1), MutableClock(NOW)
    retention = TrackingRetention(events, clock, keep_days=30)

    with caplog.at_level(logging.ERROR):
        assert retention.purge_if_due() == 0  # failed: logged, tried again on the next call
    assert "could not delete old tracking events" in caplog.text
    assert retention.purge_if_due() == 3
    clock.advance(hours=13)
    assert retention.purge_if_due() == 0  # the same day
    clock.advance(hours=1)
    assert retention.purge_if_due() == 3

    assert events.cutoffs == [datetime(2026, 1, 30, 10), datetime(2026, 1, 31, 0)]


def test_keeping_events_for_no_days_is_refused():
    with pytest.raises(InvalidValue, match=r"tracking\.keep_days"):
        TrackingRetention(Events(), MutableClock(NOW), keep_days=0)


def test_the_background_pass_lets_old_events_go_even_when_sap_is_away():
    events, clock = Events(), MutableClock(NOW)
    failed = SyncReport(started_at=NOW, full=False, error="SAP unreachable")
    delivered: list[bool] = []
    services = SimpleNamespace(
        sync=SimpleNamespace(run_once=lambda full, progress, asked: failed),
        delivery=SimpleNamespace(deliver_new_invoices=lambda: delivered.append(True)),
        bounces=SimpleNamespace(check_if_due=lambda: None),
        tracking_retention=TrackingRetention(events, clock, keep_days=400),
    )

    report = _one_pass(services).report

    assert report is failed and delivered == []
    assert events.cutoffs == [datetime(2025, 1, 25, 10)]


def _one_pass(services: SimpleNamespace):
    """One pass of the branch's background work, as the running app makes it."""
    return BranchWork(
        SingleClientLease(), services.sync, services.delivery, services.bounces,
        services.tracking_retention, MutableClock(NOW),
    ).run()  # fmt: skip
