"""Disputes: opened at the kiosk or the counter, moved by staff, closed by SAP's credit note.

Every step is kept with its timeline, queues an Activity for SAP on the business partner
(through the outbox: exactly once, also offline) and, where the customer has an e-mail on
file, a notice through the delivery queue, in the same transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

from kiosk.domain.delivery import (
    DeliveredDocument,
    Delivery,
    DeliveryChannel,
    DeliveryReason,
    DeliveryState,
)
from kiosk.domain.dispute import (
    Dispute,
    DisputeReason,
    DisputeRefused,
    DisputeState,
    open_dispute,
)
from kiosk.domain.errors import NotFound
from kiosk.domain.invoice import Invoice
from kiosk.domain.outbox import INVOICE_ACTIVITY, INVOICE_FLAG, OutboxEntry
from kiosk.language.catalogue import DEFAULT_LANGUAGE
from kiosk.services.ports.cache import InvoiceStore
from kiosk.services.ports.clock import Clock
from kiosk.services.ports.disputes import CreditNoteSource, DisputeNotice, DisputeStore
from kiosk.services.ports.sync import SyncCursor, SyncCursorStore

logger = logging.getLogger(__name__)

CREDIT_NOTES = "credit_notes"
"""The cursor of the credit notes disputes have looked at: the last DocEntry."""
SAP = "SAP"
STAFF_STEPS = (DisputeState.IN_REVIEW, DisputeState.ACCEPTED, DisputeState.REJECTED)

EmailOnFile = Callable[[str], str | None]
"""The billing e-mail of a customer (by code), or None when there is none."""


class DisputeService:
    """Disputes of cached invoices; one instance for the kiosk and the staff screens."""

    def __init__(
        self,
        store: DisputeStore,
        invoices: InvoiceStore,
        cursors: SyncCursorStore,
        clock: Clock,
        email_on_file: EmailOnFile,
        credit_notes: CreditNoteSource | None = None,
        flag_field: str | None = None,
        language: str = DEFAULT_LANGUAGE,
    ) -> None:
        self._flag_field = flag_field
        self._language = language
        self._store = store
        self._credit_notes = credit_notes
        self._invoices = invoices
        self._cursors = cursors
        self._clock = clock
        self._email_on_file = email_on_file

    def open(
        self,
        invoice: Invoice,
        *,
        line_number: int | None,
        reason: DisputeReason,
        comment: str = "",
        amount: Decimal | None = None,
        by: str,
        language: str | None = None,
    ) -> Dispute:
        """Dispute the whole invoice or one line; the amount defaults to all that can be. Its
        notices go out in `language` (the customer's at the kiosk), else the kiosk's own."""
        complete = self._complete(invoice)
        held = {d.line_number for d in self._store.disputes(doc_entry=complete.doc_entry)
                if d.state.holds_the_amount}  # fmt: skip
        dispute = open_dispute(
            complete, line_number=line_number, reason=reason, comment=comment, amount=amount,
            by=by, at=self._clock.now(), disputed_lines=held,
            language=language or self._language,
        )  # fmt: skip
        return self._store.add_dispute(
            dispute,
            lambda new_id: self._activity(replace(dispute, id=new_id)),
            self._notice(dispute),
            self._flag(dispute),
        )

    def move(self, dispute_id: int, state: DisputeState, *, note: str, by: str) -> Dispute:
        """One step on: in review, accepted, rejected (staff), or withdrawn (the customer)."""
        if state is DisputeState.CLOSED:
            raise DisputeRefused("a dispute closes when SAP's credit note for its invoice arrives")
        dispute = self.dispute(dispute_id)
        moved = dispute.moved_to(state, note, by, self._clock.now())
        return self._store.save_step(
            moved, self._activity(moved), self._notice(moved), self._flag(moved)
        )

    def dispute(self, dispute_id: int) -> Dispute:
        found = self._store.dispute(dispute_id)
        if found is None:
            raise NotFound(f"no dispute {dispute_id}")
        return found

    def disputes(
        self,
        *,
        state: DisputeState | None = None,
        customer_code: str | None = None,
        older_than_days: int | None = None,
        limit: int = 200,
    ) -> list[Dispute]:
        """Newest first; `older_than_days` keeps those opened at least that long ago."""
        before = None
        if older_than_days is not None:
            before = self._clock.now() - timedelta(days=older_than_days)
        return self._store.disputes(
            state=state, customer_code=customer_code, opened_before=before, limit=limit
        )

    def of_invoice(self, invoice: Invoice) -> list[Dispute]:
        return self._store.disputes(doc_entry=invoice.doc_entry)

    def unseen_notices(self, customer_code: str) -> list[DisputeNotice]:
        """What changed in the customer's disputes since they last looked, oldest first."""
        return self._store.unseen_notices(customer_code)

    def mark_seen(self, notices: list[DisputeNotice]) -> None:
        self._store.mark_seen([notice.event_id for notice in notices], self._clock.now())

    # --- during sync -----------------------------------------------------------------------

    def close_by_credit_notes(self) -> int:
        """Close each accepted dispute whose invoice a new credit note was copied from (read
        from the cache, where sync keeps SAP's); returns how many closed. A cancelled credit
        note closes nothing."""
        source = self._credit_notes
        # Without an accepted dispute no credit note can close one: nothing is read, and the
        # cursor waits, so a credit note issued before an acceptance still closes it later.
        if source is None or not self._store.disputes(state=DisputeState.ACCEPTED, limit=1):
            return 0
        cursor = self._cursors.cursor(CREDIT_NOTES) or SyncCursor(CREDIT_NOTES)
        last, closed = cursor.last_key or 0, 0
        for page in source.credit_notes_after(last):
            for note in page:
                accepted = (
                    [] if note.cancelled else self._store.accepted_for(list(note.invoice_entries))
                )
                for dispute in accepted:
                    closing = replace(dispute.moved_to(
                        DisputeState.CLOSED, f"credit note {note.doc_num}", SAP, self._clock.now()
                    ), credit_note=note.doc_entry)  # fmt: skip
                    self._store.save_step(
                        closing, self._activity(closing), self._notice(closing),
                        self._flag(closing),
                    )  # fmt: skip
                    closed += 1
                last = max(last, note.doc_entry)
            self._cursors.save_cursor(replace(cursor, last_key=last))
        self._cursors.save_cursor(
            replace(cursor, last_key=last, last_success_at=self._clock.now(), last_error=None)
        )
        return closed

    # --- plumbing --------------------------------------------------------------------------

    def _complete(self, invoice: Invoice) -> Invoice:
        for cached in self._invoices.invoices_by_number(invoice.doc_num):
            if cached.doc_entry == invoice.doc_entry:
                return cached
        raise NotFound(f"invoice {invoice.doc_num} is no longer in the local cache")

    def _activity(self, dispute: Dispute) -> OutboxEntry:
        """The SAP Activity on the business partner, linked to the invoice, for this step."""
        event = dispute.events[-1]
        what = f"invoice {dispute.doc_num}"
        if dispute.line_number is not None:
            what = f"line {dispute.line_number + 1} of {what}"
        payload = {
            "doc_entry": dispute.doc_entry,
            "doc_num": dispute.doc_num,
            "details": (
                f"Dispute {dispute.number} {event.state.value}: {what}, "
                f"{dispute.amount.amount} {dispute.amount.currency} ({dispute.reason.value})"
            )[:254],
            "notes": f"{event.note} (by {event.by})".strip(),
            "at": event.at.isoformat(),
        }
        return OutboxEntry.new(INVOICE_ACTIVITY, dispute.customer_code, payload, event.at)

    def _flag(self, dispute: Dispute) -> OutboxEntry | None:
        """The invoice's dispute flag for SAP after this step: Y while any dispute holds part
        of it, else N; None when no flag field is configured."""
        if self._flag_field is None:
            return None
        others = [d for d in self._store.disputes(doc_entry=dispute.doc_entry)
                  if d.id != dispute.id and d.state.holds_the_amount]  # fmt: skip
        held = dispute.state.holds_the_amount or bool(others)
        payload = {"doc_entry": dispute.doc_entry, "field": self._flag_field,
                   "value": "Y" if held else "N"}  # fmt: skip
        return OutboxEntry.new(INVOICE_FLAG, dispute.customer_code, payload, self._clock.now())

    def _notice(self, dispute: Dispute) -> Delivery | None:
        """The customer's e-mail about this step, where they have an address on file."""
        address = self._email_on_file(dispute.customer_code)
        if address is None:
            return None
        now = self._clock.now()
        return Delivery(
            id=None, doc_entry=dispute.doc_entry, doc_num=dispute.doc_num,
            customer_code=dispute.customer_code, channel=DeliveryChannel.EMAIL,
            reason=DeliveryReason.AUTOMATIC, destination=address, state=DeliveryState.QUEUED,
            requested_by=dispute.events[-1].by, created_at=now, next_attempt_at=now,
            document=DeliveredDocument.DISPUTE,
        )  # fmt: skip
