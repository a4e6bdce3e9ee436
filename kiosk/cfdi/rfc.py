"""Checks an RFC (the Mexican tax ID) and says which rule a wrong one breaks."""

from __future__ import annotations

from datetime import date

from stdnum.exceptions import InvalidChecksum, InvalidComponent, ValidationError
from stdnum.mx import rfc as stdnum_rfc

from kiosk.domain.cfdi import GENERIC_RFCS
from kiosk.domain.rfc import InvalidRfc, normalise_rfc

__all__ = ["InvalidRfc", "check_rfc"]


def check_rfc(text: str) -> str:
    """The RFC in upper case without spaces or hyphens; raises `InvalidRfc` saying what is wrong.

    A company's (persona moral) has 12 characters, a person's (persona física) 13; the SAT's
    generic receivers (público en general, extranjero) are accepted as they are.
    """
    rfc = normalise_rfc(text)
    if rfc in GENERIC_RFCS:
        return rfc
    # stdnum also takes a person's 10-character RFC without homoclave: a CFDI never carries one.
    if len(rfc) not in (12, 13):
        raise InvalidRfc(
            "length",
            f"an RFC has 12 characters (a company) or 13 (a person), this one has {len(rfc)}",
            rfc,
        )
    try:
        return stdnum_rfc.validate(rfc, validate_check_digits=True)
    except InvalidChecksum:
        raise InvalidRfc(
            "check_digit", f"the RFC {rfc} has a wrong check digit: it is probably mistyped", rfc
        ) from None
    except InvalidComponent:
        # stdnum says InvalidComponent both for an impossible date and for a forbidden word or
        # homoclave; only the date is worth its own reason.
        if _holds_impossible_date(rfc):
            raise InvalidRfc(
                "date", f"the RFC {rfc} does not hold a real date (YYMMDD) after its letters", rfc
            ) from None
        raise _bad_format(rfc) from None
    except ValidationError:
        raise _bad_format(rfc) from None


def _bad_format(rfc: str) -> InvalidRfc:
    return InvalidRfc(
        "format",
        f"the RFC {rfc} is not written as an RFC: 3 or 4 letters, a date as 6 digits, "
        "then 3 letters or digits",
        rfc,
    )


def _holds_impossible_date(rfc: str) -> bool:
    # The date is the six characters before the three of the homoclave, in both lengths.
    digits = rfc[-9:-3]
    if not (digits.isascii() and digits.isdigit()):
        return False  # not a date at all: a format problem
    try:
        # The century is unknown; 2000 is a leap year like every other year divisible by 4.
        date(2000 + int(digits[:2]), int(digits[2:4]), int(digits[4:]))
    except ValueError:
        return True
    return False
