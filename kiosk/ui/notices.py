"""The only place that turns errors into words a customer reads; tracebacks go to the log."""

from __future__ import annotations

import logging

from kiosk.domain.billing_preference import EmailRequired
from kiosk.domain.email_address import InvalidEmailAddress
from kiosk.domain.errors import DomainError
from kiosk.services.customer_identification import (
    IdentificationFailed,
    IdentificationIncomplete,
    TooManyAttempts,
)
from kiosk.services.delivery import NoEmailOnFile
from kiosk.services.errors import ExternalRejected, ExternalUnavailable
from kiosk.services.outbox import ReasonRequired
from kiosk.services.preferences import ConsentMissing
from kiosk.services.staff_accounts import AccountLocked, LoginFailed, NotAllowed
from kiosk.ui.texts import Texts

logger = logging.getLogger(__name__)


def notice_for(error: Exception, texts: Texts) -> str:
    """Plain words for an error; a bug is logged with its traceback and shown as an apology."""
    if isinstance(error, TooManyAttempts):
        return texts.format("too_many", seconds=error.seconds_left)
    if isinstance(error, LoginFailed):
        return texts["login_failed"]
    if isinstance(error, AccountLocked):
        return texts.format("locked", minutes=error.minutes_left)
    if isinstance(error, NotAllowed):
        return texts["not_allowed"]
    if isinstance(error, IdentificationIncomplete):
        return texts["identify_incomplete"]
    if isinstance(error, ConsentMissing):
        return texts["consent_missing"]
    if isinstance(error, InvalidEmailAddress):
        return texts.format("invalid_email", address=error.address)
    if isinstance(error, EmailRequired):
        return texts["email_required"]
    if isinstance(error, ReasonRequired):
        return texts["reason_required"]
    if isinstance(error, NoEmailOnFile):
        return texts["no_email"]
    if isinstance(error, IdentificationFailed):
        return texts["not_found"]
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
