"""E-billing enrolment requests: what ends them, and what a typed code must look like."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from kiosk.domain.billing_preference import BillingChannel
from kiosk.domain.enrolment import (
    CodeAlreadyUsed,
    CodeExpired,
    EnrolmentRequest,
    EnrolmentState,
    Incentive,
    InvalidCode,
    TooManyWrongCodes,
    read_code,
)
from kiosk.domain.errors import InvalidValue

NOW = datetime(2026, 12, 3, 10, 0)


def request(**changes: object) -> EnrolmentRequest:
    values: dict[str, object] = {
        "id": 7, "customer_code": "C001", "channel": BillingChannel.EMAIL,
        "email": "ana@example.mx", "language": "es", "consent_version": "2026-12",
        "code_hash": "scrypt$...", "token_hash": None, "state": EnrolmentState.PENDING,
        "wrong_codes": 0, "created_at": NOW, "expires_at": NOW + timedelta(minutes=15),
    }  # fmt: skip
    values.update(changes)
    return EnrolmentRequest(**values)  # type: ignore[arg-type]


def test_a_pending_request_can_be_confirmed_until_its_minutes_run_out():
    pending = request()

    assert pending.refusal(NOW + timedelta(minutes=14, seconds=59)) is None
    assert pending.state_at(NOW + timedelta(minutes=15)) is EnrolmentState.EXPIRED
    assert isinstance(pending.refusal(NOW + timedelta(minutes=15)), CodeExpired)


def test_a_confirmed_or_replaced_request_refuses_its_code_as_used():
    confirmed = request().confirmed(NOW, "code")

    assert confirmed.state is EnrolmentState.CONFIRMED and confirmed.confirmed_by == "code"
    assert isinstance(confirmed.refusal(NOW), CodeAlreadyUsed)
    # Used is what it is, even after its minutes: not "expired".
    assert isinstance(confirmed.refusal(NOW + timedelta(hours=1)), CodeAlreadyUsed)
    superseded = request(state=EnrolmentState.SUPERSEDED)
    assert isinstance(superseded.refusal(NOW), CodeAlreadyUsed)


def test_the_fifth_wrong_code_ends_the_request():
    tried = request()
    for _ in range(4):
        tried = tried.after_wrong_code(5)
        assert tried.state is EnrolmentState.PENDING
    tried = tried.after_wrong_code(5)

    assert tried.wrong_codes == 5 and tried.state is EnrolmentState.FAILED
    assert isinstance(tried.refusal(NOW), TooManyWrongCodes)


def test_a_typed_code_is_six_digits_with_spaces_allowed():
    assert read_code(" 123 456 ") == "123456"
    for typed in ("12345", "1234567", "12a456", "", "١٢٣٤٥٦"):
        with pytest.raises(InvalidCode, match="6 digits"):
            read_code(typed)


def test_paper_needs_no_enrolment_and_a_consent_version_is_required():
    with pytest.raises(InvalidValue, match="not paper"):
        request(channel=BillingChannel.PAPER)
    with pytest.raises(InvalidValue, match="version"):
        request(consent_version=" ")


def test_an_incentive_is_a_percentage_above_zero():
    assert Incentive("C001", Decimal("5"), "5% off", NOW).percent == Decimal(5)
    for percent in ("0", "-1", "100.5"):
        with pytest.raises(InvalidValue, match="percent"):
            Incentive("C001", Decimal(percent), "", NOW)
