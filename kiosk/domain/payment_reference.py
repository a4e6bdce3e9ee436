"""Payment references customers quote: digits with ISO 7064 MOD 97-10 check digits.

Two check digits catch every single wrong digit and every swap of two neighbours, so a reference
mistyped at a bank counter is refused instead of paying someone else's invoices.
"""

from __future__ import annotations

from kiosk.domain.errors import InvalidValue

BODY_DIGITS = 8


def _check_digits(body: str) -> str:
    return f"{98 - int(body + '00') % 97:02d}"


def make_reference(number: int) -> str:
    """The reference for a request number: eight digits, then two check digits."""
    if not 0 <= number < 10**BODY_DIGITS:
        raise InvalidValue(f"payment request number {number} is out of range")
    body = f"{number:0{BODY_DIGITS}d}"
    return body + _check_digits(body)


def is_valid_reference(text: str) -> bool:
    """Whether a typed reference has the right length and check digits (spaces ignored)."""
    digits = "".join(text.split())
    return (
        len(digits) == BODY_DIGITS + 2
        and digits.isdigit()
        and _check_digits(digits[:BODY_DIGITS]) == digits[BODY_DIGITS:]
    )
