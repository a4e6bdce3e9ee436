"""The RFC, Mexico's tax ID: its shape, and the error that says which rule a wrong one breaks."""

from __future__ import annotations

import re
from typing import Literal

from kiosk.domain.errors import InvalidValue

RfcProblem = Literal["length", "format", "date", "check_digit"]
# 3 letters (a company) or 4 (a person), a date as YYMMDD, a homoclave of 2 and a check digit.
_SHAPE = re.compile(r"[A-ZÑ&]{3,4}[0-9]{6}[A-Z0-9]{3}")


class InvalidRfc(InvalidValue):
    """Not an RFC the SAT issues; `reason` names the rule, for the UI to put in words."""

    def __init__(self, reason: RfcProblem, message: str, rfc: str = "") -> None:
        super().__init__(message)
        self.reason: RfcProblem = reason
        self.rfc = rfc


def normalise_rfc(text: str) -> str:
    """Upper case, with spaces and hyphens taken out, as people type an RFC."""
    return "".join(text.split()).replace("-", "").upper()


def looks_like_rfc(text: str) -> bool:
    """Whether what someone typed is meant as an RFC (and not, say, a customer code)."""
    return _SHAPE.fullmatch(normalise_rfc(text)) is not None
