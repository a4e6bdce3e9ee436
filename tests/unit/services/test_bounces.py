"""What a returned e-mail changes: the delivery, the customer's preference, a paper copy."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta
from types import SimpleNamespace

import pytest

from kiosk.domain.billing_preference import BillingChannel, BillingPreference
from kiosk.domain.delivery import (
    DeliveredDocument,
    Delivery,
    DeliveryChannel,
    DeliveryReason,
    DeliveryState,
)
from kiosk.services.bounces import BOUNCE, LOOKBACK, BounceOptions, BounceService
from kiosk.services.branch_work import BranchWork
from kiosk.services.errors import ExternalRejected, ExternalUnavailable
from kiosk.services.ports.bounces import RecordedBounce
from kiosk.services.sync import SyncReport
from kiosk.storage.sync_lease import SingleClientLease
from tests.builders import make_preference
from tests.fakes.mutable_clock import MutableClock
from tests.fixtures.dsn_messages import customer_reply, postfix_delayed, postfix_failed

CREATED = datetime(2026, 12, 3, 9, 59, 59)
NOW = datetime(2026, 12, 3, 16, 0)
TO = "ana@cliente.mx"
KEY = "kiosk-7-20261203095959@ejemplo.mx"


class FakeMailbox:
    """Unread messages in order; `read` holds those marked read."""

    def __init__(self, *messages: bytes) -> None:
        self.messages = list(messages)
        self.read: set[int] = set()
        self.since: date | None = None

    def read_reports(self, since: date, handle: Callable[[bytes], bool]) -> int:
        self.since = since
        unread = [i for i in range(len(self.messages)) if i not in self.read]
        for index in unread:
            if handle(self.messages[index]):
                self.read.add(index)
        return len(unread)


class FakeBounceStore:
    def __init__(self, deliveries: list[Delivery], preference: BillingPreference | None) -> None:
        self.deliveries = {d.id: d for d in deliveries}
        self.current = preference
        self.recorded: list[RecordedBounce] = []
        self.delays: list[tuple[int, str, str]] = []

    def delivery(self, delivery_id: int) -> Delivery | None:
        return self.deliveries.get(delivery_id)

    def preference(self, customer_code: str) -> BillingPreference | None:
        return self.current

    def record_bounce(self, bounce: RecordedBounce) -> bool:
        found = self.deliveries[bounce.delivery_id]
        if found.state is DeliveryState.BOUNCED:
            return False
        self.deliveries[bounce.delivery_id] = replace(found, state=DeliveryState.BOUNCED)
        if bounce.back_to_paper is not None:
            self.current = bounce.back_to_paper.change.preference
        self.recorded.append(bounce)
        return True

    def note_delay(self, delivery_id: int, code: str, note: str, at: datetime) -> None:
        self.delays.append((delivery_id, code, note))


def sent(delivery_id: int = 7, **overrides) -> Delivery:
    values = dict(
        id=delivery_id, doc_entry=70, doc_num=5001, customer_code="C001",
        channel=DeliveryChannel.EMAIL, reason=DeliveryReason.AUTOMATIC, destination=TO,
        state=DeliveryState.SENT, requested_by="kiosk", created_at=CREATED,
        receipt=f"<{KEY}>",
    )  # fmt: skip
    values.update(overrides)
    return Delivery(**values)


def service(mailbox, store, *, printer: str | None = "Caja1") -> BounceService:
    clock = MutableClock(NOW)
    options = BounceOptions(branch="MATRIZ", auto_printer=printer, interval=timedelta(minutes=10))
    return BounceService(mailbox, store, clock, options)


@pytest.fixture
def on_email() -> BillingPreference:
    return make_preference(
        "C001", channel=BillingChannel.EMAIL, email=TO, consent_at=CREATED - timedelta(days=9)
    )


def test_a_hard_bounce_puts_the_customer_on_paper_and_the_invoice_on_the_printer(on_email):
    mailbox = FakeMailbox(postfix_failed(KEY, TO))
    store = FakeBounceStore([sent()], on_email)

    report = service(mailbox, store).check()

    assert (report.read, report.bounced, report.back_to_paper, report.paper_copies) == (1, 1, 1, 1)
    (bounce,) = store.recorded
    assert (bounce.delivery_id, bounce.code, bounce.at) == (7, "5.1.1", NOW)
    assert bounce.reason.startswith("5.1.1 550 5.1.1 <ana@cliente.mx>: Recipient address")
    assert bounce.back_to_paper is not None
    change = bounce.back_to_paper.change
    assert (change.source, change.note, change.recorded_at) == (BOUNCE, bounce.reason, NOW)
    assert (change.preference.channel, change.preference.email) == (BillingChannel.PAPER, None)
    assert change.preference.consent_at == NOW  # later than SAP's older value: it stays
    assert bounce.back_to_paper.entry.payload == {"channel": "PAPER", "email": None}
    copy = bounce.paper_copy
    assert copy is not None
    assert (copy.channel, copy.reason, copy.destination, copy.state, copy.doc_entry) == (
        DeliveryChannel.PAPER, DeliveryReason.AUTOMATIC, "Caja1", DeliveryState.QUEUED, 70,
    )  # fmt: skip
    assert mailbox.read == {0}
    assert mailbox.since == NOW.date() - LOOKBACK


def test_without_auto_print_the_copy_waits_on_the_clerks_list(on_email):
    store = FakeBounceStore([sent()], on_email)

    service(FakeMailbox(postfix_failed(KEY, TO)), store, printer=None).check()

    copy = store.recorded[0].paper_copy
    assert copy is not None and copy.state is DeliveryState.LISTED and copy.next_attempt_at is None


def test_a_second_pass_over_the_same_report_changes_nothing(on_email):
    store = FakeBounceStore([sent()], on_email)
    bounce = postfix_failed(KEY, TO)
    service(FakeMailbox(bounce), store).check()

    again = service(FakeMailbox(bounce), store).check()  # read again: it was not marked read

    assert (again.bounced, again.back_to_paper, again.left_alone) == (0, 0, 0)
    assert len(store.recorded) == 1


def test_reports_of_other_kiosks_and_plain_mail_are_left_unread(on_email):
    other_kiosk = "kiosk-7-20261101080000@ejemplo.mx"  # same delivery id, another creation time
    mailbox = FakeMailbox(
        postfix_failed(other_kiosk, TO),
        postfix_failed("20261203.ABC@otro.mx", TO),
        customer_reply(KEY, TO),
    )
    store = FakeBounceStore([sent()], on_email)

    report = service(mailbox, store).check()

    assert (report.read, report.left_alone, report.bounced) == (3, 3, 0)
    assert mailbox.read == set() and store.recorded == []


def test_a_delay_is_only_noted(on_email):
    mailbox = FakeMailbox(postfix_delayed(KEY, TO))
    store = FakeBounceStore([sent()], on_email)

    report = service(mailbox, store).check()

    assert (report.delayed, report.bounced) == (1, 0)
    assert store.recorded == [] and store.current == on_email
    ((delivery_id, code, note),) = store.delays
    assert (delivery_id, code) == (7, "4.4.1") and note.startswith("delayed: 4.4.1 connect to")
    assert mailbox.read == {0}


def test_a_failure_that_is_not_permanent_bounces_the_delivery_only(on_email):
    temporary = postfix_failed(KEY, TO).replace(b"Status: 5.1.1", b"Status: 4.4.7")
    temporary = temporary.replace(b"550 5.1.1", b"451 4.4.7")
    store = FakeBounceStore([sent()], on_email)

    report = service(FakeMailbox(temporary), store).check()

    assert (report.bounced, report.back_to_paper, report.paper_copies) == (1, 0, 0)
    assert store.recorded[0].code == "4.4.7" and store.current == on_email


@pytest.mark.parametrize(
    "preference",
    [
        None,
        make_preference("C001", channel=BillingChannel.PAPER, email=None),
        make_preference("C001", channel=BillingChannel.EMAIL, email="nueva@cliente.mx"),
    ],
)
def test_the_preference_changes_only_when_it_still_sends_to_the_address(preference):
    store = FakeBounceStore([sent()], preference)

    report = service(FakeMailbox(postfix_failed(KEY, TO)), store).check()

    assert (report.bounced, report.back_to_paper, report.paper_copies) == (1, 0, 1)


def test_both_goes_back_to_paper_alone(on_email):
    both = replace(on_email, channel=BillingChannel.BOTH)
    store = FakeBounceStore([sent()], both)

    service(FakeMailbox(postfix_failed(KEY, "ANA@cliente.mx")), store).check()

    assert store.current is not None and store.current.channel is BillingChannel.PAPER


def test_only_an_invoice_gets_a_paper_copy(on_email):
    statement = sent(document=DeliveredDocument.STATEMENT, reference="2026-11-01:2026-11-30:es")
    store = FakeBounceStore([statement], on_email)

    report = service(FakeMailbox(postfix_failed(KEY, TO)), store).check()

    assert (report.bounced, report.back_to_paper, report.paper_copies) == (1, 1, 0)


def test_without_a_mailbox_a_check_says_what_to_set_and_the_pass_skips_it(on_email):
    bounces = service(None, FakeBounceStore([sent()], on_email))

    with pytest.raises(ExternalRejected, match=r"bounces\.host is empty"):
        bounces.check()
    assert bounces.check_if_due() is None


class UnreachableMailbox:
    calls = 0

    def read_reports(self, since, handle):
        self.calls += 1
        raise ExternalUnavailable("the bounce mailbox imap.ejemplo.mx:993 cannot be reached")


def test_the_pass_checks_once_an_interval_and_an_unreachable_mailbox_does_not_stop_it(on_email):
    mailbox = UnreachableMailbox()
    clock = MutableClock(NOW)
    options = BounceOptions(branch="MATRIZ", auto_printer=None, interval=timedelta(minutes=10))
    bounces = BounceService(mailbox, FakeBounceStore([sent()], on_email), clock, options)

    assert bounces.check_if_due() is None
    assert bounces.check_if_due() is None
    clock.advance(minutes=10)
    bounces.check_if_due()

    assert mailbox.calls == 2


def test_the_background_pass_reads_bounces_when_sap_is_away_and_prints_the_copies(on_email):
    failed = SyncReport(started_at=NOW, full=False, error="SAP unreachable")
    store = FakeBounceStore([sent()], on_email)
    sent_due: list[bool] = []
    services = SimpleNamespace(
        sync=SimpleNamespace(run_once=lambda full, progress, asked: failed),
        delivery=SimpleNamespace(send_due=lambda: sent_due.append(True)),
        bounces=service(FakeMailbox(postfix_failed(KEY, TO)), store),
        tracking_retention=SimpleNamespace(purge_if_due=lambda: 0),
    )

    _one_pass(services)
    _one_pass(services)  # not due again yet

    assert len(store.recorded) == 1 and sent_due == [True]


def _one_pass(services: SimpleNamespace):
    """One pass of the branch's background work, as the running app makes it."""
    return BranchWork(
        SingleClientLease(), services.sync, services.delivery, services.bounces,
        services.tracking_retention, MutableClock(NOW),
    ).run()  # fmt: skip
