"""Returned mail: which of our e-mails bounced, and the customers it puts back on paper.

A delivery status notification (RFC 3464) is matched to its delivery by the Message-ID of the
message it returns, which the delivery queue makes from the delivery (kiosk.services.delivery:
"kiosk-<id>-<created at>@<domain>"). A failure marks the delivery bounced; a permanent one (5.x.x)
also puts the customer back on paper for the next invoice (flagged for staff in the preference
history, and pushed to SAP like any change) and puts the bounced invoice on paper. A delay is
only noted. Reports that are not ours stay unread in the mailbox, for a person or another kiosk.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from kiosk.domain.billing_preference import BillingChannel, BillingPreference, PreferenceChange
from kiosk.domain.bounce import BounceNotice, read_bounce
from kiosk.domain.delivery import (
    DeliveredDocument,
    Delivery,
    DeliveryChannel,
    DeliveryReason,
    DeliveryState,
    message_key,
)
from kiosk.domain.outbox import BILLING_PREFERENCE, OutboxEntry
from kiosk.domain.tracking import EventKind
from kiosk.services.errors import ExternalRejected, ExternalUnavailable
from kiosk.services.ports.bounces import BackToPaper, BounceMailbox, BounceStore, RecordedBounce
from kiosk.services.ports.clock import Clock
from kiosk.services.tracking import NO_TRACKING, Tracking

logger = logging.getLogger(__name__)

BOUNCE = "bounce"
"""The source of a preference change a bounce made, in the preference history."""
KIOSK = "kiosk"
# Unread reports older than this are left to a person: the mailbox is not re-read back to its
# first day on every pass.
LOOKBACK = timedelta(days=30)
_DELIVERY_ID = re.compile(r"^kiosk-(\d+)-")  # see message_key


@dataclass(frozen=True)
class BounceOptions:
    branch: str
    auto_printer: str | None  # print a bounced invoice here; None: list it for the clerk
    interval: timedelta = timedelta(minutes=10)


@dataclass
class BounceReport:
    read: int = 0  # reports looked at
    bounced: int = 0  # deliveries marked bounced
    back_to_paper: int = 0  # customers put back on paper
    paper_copies: int = 0  # bounced invoices queued or listed on paper
    delayed: int = 0  # delays noted
    left_alone: int = 0  # not ours, or no delivery report: left unread


class BounceService:
    """Reads the bounce mailbox and records what each report of ours means."""

    def __init__(
        self,
        mailbox: BounceMailbox | None,
        store: BounceStore,
        clock: Clock,
        options: BounceOptions,
        *,
        tracking: Tracking = NO_TRACKING,
    ) -> None:
        self._mailbox = mailbox
        self._store = store
        self._clock = clock
        self._options = options
        self._tracking = tracking
        self._next_check: datetime | None = None

    @property
    def configured(self) -> bool:
        return self._mailbox is not None

    def check(self) -> BounceReport:
        """Read the unread reports once; ExternalUnavailable or ExternalRejected when the
        mailbox cannot be read (nothing is marked read then)."""
        if self._mailbox is None:
            raise ExternalRejected(
                "no bounce mailbox configured (bounces.host is empty)", code="config"
            )
        report = BounceReport()
        since = self._clock.today() - LOOKBACK
        report.read = self._mailbox.read_reports(since, lambda raw: self._handle(raw, report))
        return report

    def check_if_due(self) -> BounceReport | None:
        """Check when the interval has passed since the last check; None when not due or not
        configured. Never raises: the reason is logged and the next check comes on time."""
        now = self._clock.now()
        if self._mailbox is None or (self._next_check is not None and now < self._next_check):
            return None
        self._next_check = now + self._options.interval
        try:
            return self.check()
        except (ExternalUnavailable, ExternalRejected) as error:
            logger.warning("bounce mailbox not read: %s", error)
        except Exception:
            logger.exception("bounce mailbox not read")
        return None

    def _handle(self, raw: bytes, report: BounceReport) -> bool:
        """Record one report; True when it is ours and recorded (so it may be marked read)."""
        notice = read_bounce(raw)
        delivery = self._ours(notice) if notice is not None else None
        if notice is None or delivery is None or not (notice.failed or notice.delayed):
            report.left_alone += 1
            return False
        assert delivery.id is not None
        if delivery.state is DeliveryState.BOUNCED:
            return True  # recorded on an earlier pass that stopped before marking it read
        now = self._clock.now()
        worst = notice.worst
        assert worst is not None
        if notice.delayed:
            if delivery.state is DeliveryState.SENT:
                self._store.note_delay(delivery.id, worst.status, f"delayed: {notice.reason}", now)
                report.delayed += 1
            return True
        bounce = self._bounce(delivery, notice, now)
        if self._store.record_bounce(bounce):
            report.bounced += 1
            report.back_to_paper += bounce.back_to_paper is not None
            report.paper_copies += bounce.paper_copy is not None
            logger.info("delivery %s bounced (%s)", delivery.id, worst.status)
            self._tracking.record(
                EventKind.DELIVERY_FAILED, delivery.customer_code, channel=delivery.channel.value,
                outcome=BOUNCE,
            )  # fmt: skip
            if bounce.back_to_paper is not None:
                self._tracking.record(
                    EventKind.PREFERENCE_CHANGED, delivery.customer_code,
                    channel=BillingChannel.PAPER.value,
                )  # fmt: skip
        return True

    def _ours(self, notice: BounceNotice) -> Delivery | None:
        """The e-mail delivery whose message the report returns, if it is one of ours: the id
        and the creation time in the key must both agree, since kiosks may share a mailbox."""
        for message_id in notice.message_ids:
            match = _DELIVERY_ID.match(message_id)
            if match is None:
                continue
            delivery = self._store.delivery(int(match.group(1)))
            if (
                delivery is not None
                and delivery.channel is DeliveryChannel.EMAIL
                and message_id.startswith(message_key(delivery) + "@")
            ):
                return delivery
        return None

    def _bounce(self, delivery: Delivery, notice: BounceNotice, now: datetime) -> RecordedBounce:
        assert delivery.id is not None and notice.worst is not None
        code, reason = notice.worst.status, notice.reason
        if not notice.permanent:
            return RecordedBounce(delivery.id, code, reason, now)
        return RecordedBounce(
            delivery.id, code, reason, now,
            back_to_paper=self._back_to_paper(delivery, reason, now),
            paper_copy=self._paper_copy(delivery, now),
        )  # fmt: skip

    def _back_to_paper(self, delivery: Delivery, reason: str, now: datetime) -> BackToPaper | None:
        """Paper for the next invoice, unless the customer's preference no longer sends to the
        address that bounced (already paper, or a new address since)."""
        current = self._store.preference(delivery.customer_code)
        if (
            current is None
            or not current.channel.needs_email
            or (current.email or "").lower() != delivery.destination.lower()
        ):
            return None
        paper = BillingPreference(
            customer_code=delivery.customer_code,
            channel=BillingChannel.PAPER,
            email=None,
            consent_at=now,
            registered_by=KIOSK,
            branch=self._options.branch,
        )
        entry = OutboxEntry.new(
            BILLING_PREFERENCE,
            delivery.customer_code,
            {"channel": BillingChannel.PAPER.value, "email": None},
            now,
        )
        return BackToPaper(PreferenceChange(paper, BOUNCE, now, reason), entry)

    def _paper_copy(self, delivery: Delivery, now: datetime) -> Delivery | None:
        """The bounced invoice on paper: printed where the kiosk prints new invoices, else on
        the clerk's list; as the invoice's automatic paper delivery, so never twice."""
        if delivery.document is not DeliveredDocument.INVOICE:
            return None
        printer = self._options.auto_printer
        return Delivery(
            id=None,
            doc_entry=delivery.doc_entry,
            doc_num=delivery.doc_num,
            customer_code=delivery.customer_code,
            channel=DeliveryChannel.PAPER,
            reason=DeliveryReason.AUTOMATIC,
            destination=printer or "",
            state=DeliveryState.QUEUED if printer else DeliveryState.LISTED,
            requested_by=BOUNCE,
            created_at=now,
            next_attempt_at=now if printer else None,
        )
