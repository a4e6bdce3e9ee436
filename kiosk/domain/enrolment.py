"""E-billing self-enrolment: a request waiting for its code, the rules that confirm or end it,
and the incentive a customer is granted once."""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from kiosk.domain.billing_preference import BillingChannel
from kiosk.domain.errors import DomainError, InvalidValue, NotFound

CODE_DIGITS = 6
BY_CODE = "code"  # typed at the kiosk
BY_LINK = "link"  # the link in the e-mail was opened


class EnrolmentState(enum.Enum):
    """Where a request stands; the values are stored, so they never change."""

    PENDING = "pending"  # the code went out; waiting for it
    CONFIRMED = "confirmed"
    EXPIRED = "expired"  # its minutes ran out
    FAILED = "failed"  # too many wrong codes
    SUPERSEDED = "superseded"  # a newer request of the same customer, or back to paper


class EnrolmentError(DomainError):
    """A code or link that cannot confirm an enrolment; the message says why."""


class InvalidCode(InvalidValue):
    """What was typed is not a six-digit code."""


class WrongCode(EnrolmentError):
    """The code does not match; a few more tries are left."""

    def __init__(self, message: str, attempts_left: int) -> None:
        super().__init__(message)
        self.attempts_left = attempts_left


class TooManyWrongCodes(EnrolmentError):
    """Wrong codes were typed too often: this request is over, a new code is needed."""


class CodeExpired(EnrolmentError):
    """The code's minutes ran out: a new code is needed."""


class CodeAlreadyUsed(EnrolmentError):
    """The request was confirmed already, or a newer one replaced it."""


class UnknownEnrolment(NotFound):
    """No request has this number or link."""


@dataclass(frozen=True, slots=True)
class EnrolmentRequest:
    """A customer's request to get invoices by e-mail, valid once its code comes back in time.

    The code (and the link's token) are kept only as hashes.
    """

    id: int | None
    customer_code: str
    channel: BillingChannel
    email: str
    language: str
    consent_version: str
    code_hash: str
    token_hash: str | None
    state: EnrolmentState
    wrong_codes: int
    created_at: datetime
    expires_at: datetime
    confirmed_at: datetime | None = None
    confirmed_by: str | None = None

    def __post_init__(self) -> None:
        if not self.channel.needs_email:
            raise InvalidValue("an e-billing enrolment is for e-mail or both, not paper")
        if not self.consent_version.strip():
            raise InvalidValue("an e-billing enrolment needs the version of the consent text")

    def state_at(self, now: datetime) -> EnrolmentState:
        """The state, with a pending request past its time counted as expired."""
        if self.state is EnrolmentState.PENDING and now >= self.expires_at:
            return EnrolmentState.EXPIRED
        return self.state

    def refusal(self, now: datetime) -> EnrolmentError | None:
        """Why this request can no longer be confirmed, or None while it can."""
        state = self.state_at(now)
        if state is EnrolmentState.PENDING:
            return None
        if state is EnrolmentState.EXPIRED:
            return CodeExpired(f"the code of request {self.id} has expired: ask for a new one")
        if state is EnrolmentState.FAILED:
            return TooManyWrongCodes(
                f"request {self.id} ended after too many wrong codes: ask for a new one"
            )
        return CodeAlreadyUsed(
            f"the code of request {self.id} was used already or replaced by a newer one"
        )

    def after_wrong_code(self, max_attempts: int) -> EnrolmentRequest:
        """One wrong code more; the last allowed one ends the request."""
        wrong = self.wrong_codes + 1
        state = EnrolmentState.FAILED if wrong >= max_attempts else self.state
        return replace(self, wrong_codes=wrong, state=state)

    def confirmed(self, now: datetime, by: str) -> EnrolmentRequest:
        return replace(self, state=EnrolmentState.CONFIRMED, confirmed_at=now, confirmed_by=by)


def read_code(text: str) -> str:
    """The six digits typed (spaces allowed between them), or InvalidCode."""
    digits = "".join(text.split())
    if len(digits) != CODE_DIGITS or not digits.isascii() or not digits.isdigit():
        raise InvalidCode(f"the code has {CODE_DIGITS} digits; {len(digits)} characters typed")
    return digits


@dataclass(frozen=True, slots=True)
class Incentive:
    """What a customer was promised for choosing e-mail: granted once, applied in SAP."""

    customer_code: str
    percent: Decimal
    text: str
    granted_at: datetime
    request_id: int | None = None

    def __post_init__(self) -> None:
        if not Decimal(0) < self.percent <= Decimal(100):
            raise InvalidValue(f"an incentive is between 0 and 100 percent, not {self.percent}")
