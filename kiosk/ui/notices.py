"""The only place that turns errors into words a customer reads; tracebacks go to the log."""

from __future__ import annotations

import logging

from kiosk.domain.billing_preference import EmailRequired
from kiosk.domain.dispute import DisputeRefused
from kiosk.domain.email_address import InvalidEmailAddress
from kiosk.domain.enrolment import (
    CodeAlreadyUsed,
    CodeExpired,
    InvalidCode,
    TooManyWrongCodes,
    UnknownEnrolment,
    WrongCode,
)
from kiosk.domain.errors import DomainError
from kiosk.domain.payment_request import MixedCurrencies
from kiosk.domain.rfc import InvalidRfc
from kiosk.language.catalogue import Texts
from kiosk.services.customer_identification import (
    IdentificationFailed,
    IdentificationIncomplete,
    InvoicesNotDownloadedYet,
    TooManyAttempts,
)
from kiosk.services.delivery import NoEmailOnFile
from kiosk.services.errors import DatabaseUnavailable, ExternalRejected, ExternalUnavailable
from kiosk.services.outbox import ReasonRequired
from kiosk.services.ports.preferences import PreferenceChangedMeanwhile
from kiosk.services.preferences import ConsentMissing
from kiosk.services.staff_accounts import AccountLocked, LoginFailed, NotAllowed

logger = logging.getLogger(__name__)


# Errors that always read the same, by the text key that says them.
_FIXED_WORDS: tuple[tuple[type[Exception], str], ...] = (
    (LoginFailed, "login_failed"),
    (NotAllowed, "not_allowed"),
    (IdentificationIncomplete, "identify_incomplete"),
    (IdentificationFailed, "not_found"),
    (InvoicesNotDownloadedYet, "not_ready"),
    (ConsentMissing, "consent_missing"),
    (PreferenceChangedMeanwhile, "preference_changed_meanwhile"),
    (DatabaseUnavailable, "database_unavailable"),
    (EmailRequired, "email_required"),
    (ReasonRequired, "reason_required"),
    (NoEmailOnFile, "no_email"),
    (InvalidCode, "enrol_ui_code_invalid"),
    (CodeExpired, "enrol_ui_code_expired"),
    (CodeAlreadyUsed, "enrol_ui_code_used"),
    (TooManyWrongCodes, "enrol_ui_code_too_many"),
    (UnknownEnrolment, "enrol_ui_code_unknown"),
)


def notice_for(error: Exception, texts: Texts) -> str:
    """Plain words for an error; a bug is logged with its traceback and shown as an apology."""
    for kind, key in _FIXED_WORDS:
        if isinstance(error, kind):
            return texts[key]
    if isinstance(error, WrongCode):
        return texts.format("enrol_ui_code_wrong", left=error.attempts_left)
    if isinstance(error, TooManyAttempts):
        return texts.format("too_many", seconds=error.seconds_left)
    if isinstance(error, AccountLocked):
        return texts.format("locked", minutes=error.minutes_left)
    if isinstance(error, InvalidEmailAddress):
        return texts.format("invalid_email", address=error.address)
    if isinstance(error, InvalidRfc):
        return texts.format(f"rfc_{error.reason}", rfc=error.rfc)
    if isinstance(error, MixedCurrencies):
        return texts.format("mixed_currencies", currencies=", ".join(error.currencies))
    if isinstance(error, DisputeRefused):  # a rule said no: "check your data" would mislead
        return texts.format("dispute_ui_refused", detail=str(error))
    if isinstance(error, DomainError):
        return texts.format("invalid", detail=str(error))
    if isinstance(error, ExternalUnavailable):
        logger.info("unavailable: %s", error)
        return texts["unavailable"]
    if isinstance(error, ExternalRejected):
        logger.warning("rejected: %s", error)
        return texts["rejected"]
    logger.error("unexpected error shown as an apology", exc_info=error)
    return texts["bug"]
