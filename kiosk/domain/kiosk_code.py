"""The kiosk code printed on each invoice: scanning it at the kiosk identifies the customer.

It says what the invoice already shows in print (the invoice number and the customer code), so it
proves no more than typing both would, and goes through the same throttled identification. Only
letters, digits and spaces are used around the customer code, because barcode scanners type like
a keyboard and many are set to a keyboard layout that moves the punctuation keys.
"""

from __future__ import annotations

import re

PREFIX = "KIOSK"
_PATTERN = re.compile(rf"^\s*{PREFIX}\s+(\d{{1,10}})\s+(\S(?:.*\S)?)\s*$", re.IGNORECASE)


def make_kiosk_code(doc_num: int, customer_code: str) -> str:
    """The text of the kiosk QR for one invoice."""
    return f"{PREFIX} {doc_num} {customer_code}"


def read_kiosk_code(text: str) -> tuple[str, str] | None:
    """(customer code, invoice number) from a scanned kiosk code, or None if it is not one."""
    match = _PATTERN.match(text)
    if match is None:
        return None
    return match.group(2), match.group(1)
