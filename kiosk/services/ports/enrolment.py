"""E-billing enrolment requests, the incentives granted, and the code e-mails the queue sends."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from kiosk.domain.billing_preference import PreferenceChange
from kiosk.domain.delivery import Delivery, OutgoingEmail
from kiosk.domain.enrolment import EnrolmentRequest, EnrolmentState, Incentive
from kiosk.domain.outbox import OutboxEntry


class EnrolmentStore(Protocol):
    """Enrolment requests and incentives; each write is one transaction."""

    def add_request(
        self, request: EnrolmentRequest, code_mail: Delivery
    ) -> tuple[EnrolmentRequest, int]:
        """Store a new request, supersede the customer's pending ones and queue the code
        e-mail (its reference the new request's id); return the request and the delivery id."""
        ...

    def request(self, request_id: int) -> EnrolmentRequest | None: ...

    def request_by_token(self, token_hash: str) -> EnrolmentRequest | None: ...

    def requests(
        self, *, customer_code: str | None = None, limit: int = 100
    ) -> list[EnrolmentRequest]:
        """Newest first."""
        ...

    def save_attempt(self, request: EnrolmentRequest, now: datetime) -> bool:
        """Write a pending request's wrong codes and state; False when it is no longer
        pending (confirmed or ended meanwhile)."""
        ...

    def end(self, request_id: int, state: EnrolmentState, now: datetime) -> None:
        """Mark a pending request expired (or otherwise ended); nothing if not pending."""
        ...

    def confirm(
        self,
        request: EnrolmentRequest,
        change: PreferenceChange,
        entry: OutboxEntry,
        incentive: Incentive | None,
        incentive_entry: OutboxEntry | None,
    ) -> Incentive | None:
        """In one transaction: the request confirmed (CodeAlreadyUsed when it is no longer
        pending), the preference with its history and outbox entry, and the incentive with
        its outbox entry unless the customer had it already; return the incentive granted."""
        ...

    def back_to_paper(self, change: PreferenceChange, entry: OutboxEntry, now: datetime) -> None:
        """The paper preference with its history and outbox entry; pending requests end."""
        ...

    def incentive(self, customer_code: str) -> Incentive | None: ...


class EnrolmentCodeMail(Protocol):
    """The e-mail carrying a request's code, made when the queue sends it."""

    def code_email(self, reference: str, to: str) -> OutgoingEmail:
        """The code e-mail of request `reference`; NotFound when its code is no longer known
        (confirmed, ended, or made by another process), so a retry cannot send a stale code."""
        ...
