"""The kiosk code on invoices: what is printed reads back, anything else is not a code."""

from __future__ import annotations

import pytest

from kiosk.domain.kiosk_code import make_kiosk_code, read_kiosk_code


@pytest.mark.parametrize("customer_code", ["C000042", "CL 0042", "Ñandú-7"])
def test_a_printed_code_reads_back(customer_code: str) -> None:
    assert read_kiosk_code(make_kiosk_code(100029, customer_code)) == (customer_code, "100029")


@pytest.mark.parametrize(
    "text",
    ["", "100029", "C000042", "KIOSK", "KIOSK 100029", "KIOSK C42 100029", "https://x/KIOSK 1 C"],
)
def test_other_text_is_not_a_kiosk_code(text: str) -> None:
    assert read_kiosk_code(text) is None
