"""Payment references customers quote: kiosk number, sequence, ISO 7064 MOD 97-10 check digits.

Two check digits catch every single wrong digit and every swap of two neighbours, so a reference
mistyped at a bank counter is refused instead of paying someone else's invoices. The eight body
digits are the kiosk's number (two digits, one per kiosk or counter of the company) and that
kiosk's sequence (six digits), so two kiosks never hand out the same reference.
"""

from __future__ import annotations

from kiosk.domain.errors import InvalidValue

KIOSK_DIGITS = 2
SEQUENCE_DIGITS = 6
BODY_DIGITS = KIOSK_DIGITS + SEQUENCE_DIGITS
HIGHEST_KIOSK = 10**KIOSK_DIGITS - 1
HIGHEST_SEQUENCE = 10**SEQUENCE_DIGITS - 1


def _check_digits(body: str) -> str:
    return f"{98 - int(body + '00') % 97:02d}"


def reference_prefix(kiosk_number: int) -> str:
    """The two digits every reference of this kiosk starts with."""
    if not 1 <= kiosk_number <= HIGHEST_KIOSK:
        raise InvalidValue(f"kiosk number {kiosk_number} is out of range (1 to {HIGHEST_KIOSK})")
    return f"{kiosk_number:0{KIOSK_DIGITS}d}"


def make_reference(kiosk_number: int, sequence: int) -> str:
    """The reference for a kiosk's request: kiosk number, sequence, then two check digits."""
    prefix = reference_prefix(kiosk_number)
    if not 1 <= sequence <= HIGHEST_SEQUENCE:
        raise InvalidValue(
            f"payment request number {sequence} of kiosk {prefix} is out of range"
            f" (1 to {HIGHEST_SEQUENCE:,}): this kiosk has used all its references"
        )
    body = f"{prefix}{sequence:0{SEQUENCE_DIGITS}d}"
    return body + _check_digits(body)


def is_valid_reference(text: str) -> bool:
    """Whether a typed reference has the right length and check digits (spaces ignored)."""
    digits = "".join(text.split())
    return (
        len(digits) == BODY_DIGITS + 2
        and digits.isdigit()
        and _check_digits(digits[:BODY_DIGITS]) == digits[BODY_DIGITS:]
    )


def kiosk_sequence(text: str, kiosk_number: int) -> int | None:
    """The sequence of a valid reference this kiosk handed out (spaces ignored), else None."""
    digits = "".join(text.split())
    if not is_valid_reference(digits) or not digits.startswith(reference_prefix(kiosk_number)):
        return None
    return int(digits[KIOSK_DIGITS:BODY_DIGITS])
