"""RFC checks: the SAT's lengths, generic receivers and check digit, each failure with why."""

from __future__ import annotations

import pytest

from kiosk.cfdi.rfc import check_rfc
from kiosk.domain.rfc import InvalidRfc, looks_like_rfc

COMPANY = "EKU9003173C9"  # the SAT's test taxpayer
PERSON = "PEGJ800101AB6"


@pytest.mark.parametrize("rfc", [COMPANY, PERSON, "XAXX010101000", "XEXX010101000"])
def test_valid_rfcs_are_accepted_as_they_are(rfc: str):
    assert check_rfc(rfc) == rfc


def test_typing_is_forgiven_spaces_hyphens_and_case():
    assert check_rfc(" pegj-800101 ab6 ") == PERSON


@pytest.mark.parametrize("rfc", [COMPANY, PERSON])
def test_every_other_check_digit_is_refused_by_name(rfc: str):
    for digit in "0123456789A":
        if digit == rfc[-1]:
            continue
        with pytest.raises(InvalidRfc) as refused:
            check_rfc(rfc[:-1] + digit)
        assert refused.value.reason == "check_digit"
        assert str(refused.value) == (
            f"the RFC {rfc[:-1] + digit} has a wrong check digit: it is probably mistyped"
        )


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("EKU9003173C", "length"),
        ("PEGJ800101AB67", "length"),
        ("PEGJ801301AB6", "date"),
        ("PEGJ800230AB6", "date"),
        ("1EGJ800101AB6", "format"),
        ("PEGJ8001O1AB6", "format"),
    ],
)
def test_wrong_rfcs_say_which_rule_they_break(text: str, reason: str):
    with pytest.raises(InvalidRfc) as refused:
        check_rfc(text)
    assert refused.value.reason == reason
    assert refused.value.rfc == text


@pytest.mark.parametrize(
    ("text", "meant"),
    [(COMPANY, True), (PERSON.lower(), True), ("PEGJ800101AB1", True), ("C000042", False),
     ("12345", False), ("", False)],
)  # fmt: skip
def test_what_is_meant_as_an_rfc(text: str, meant: bool):
    assert looks_like_rfc(text) is meant
