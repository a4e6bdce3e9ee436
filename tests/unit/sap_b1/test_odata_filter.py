"""The emulator's $filter: SAP's literal forms and its minute-precision time comparisons."""

from __future__ import annotations

from datetime import date, time

import pytest

from kiosk.sap_emulator.errors import ServiceLayerFault
from kiosk.sap_emulator.odata_filter import parse_date_literal, parse_filter, parse_time_literal
from kiosk.sap_emulator.schema import DOCUMENT

FIELDS = DOCUMENT.fields
RECORD = {
    "DocEntry": 7, "CardCode": "C'1", "DocDate": date(2026, 4, 23), "UpdateTime": time(18, 38, 41),
    "DocumentStatus": "bost_Open", "Comments": None,
}  # fmt: skip


@pytest.mark.parametrize(
    "text", ["2026-04-23", "20260423", "2026-04-23T12:21:21", "20260423000000"]
)
def test_every_date_form_ignores_the_time(text):
    assert parse_date_literal(text) == date(2026, 4, 23)


@pytest.mark.parametrize("text", ["18:38:00", "18:38", "183800", "1838", "2014-06-18T18:38:59Z"])
def test_every_time_form_keeps_hours_and_minutes(text):
    assert parse_time_literal(text) == time(18, 38)


@pytest.mark.parametrize(
    ("expression", "matches"),
    [
        ("DocEntry eq 7", True),
        ("7 eq DocEntry", True),
        ("DocEntry gt 7", False),
        ("CardCode eq 'C''1'", True),
        ("DocDate eq datetime'2026-04-23T23:00:00'", True),
        ("UpdateTime ge '18:38:59'", True),  # 18:38:41 counts as 18:38
        ("UpdateTime gt '18:38'", False),
        ("DocumentStatus eq 'O'", True),
        ("Comments eq null and not (DocEntry eq 8)", True),
        ("startswith(CardCode,'C') or DocEntry eq 1", True),
        ("endswith(CardCode,'x')", False),
    ],
)
def test_predicates(expression, matches):
    assert parse_filter(expression, FIELDS, case_insensitive=False)(RECORD) is matches


@pytest.mark.parametrize(
    "expression", ["DocEntry eq", "DocEntry eq 'x' and", "(DocEntry eq 7", "DocEntry eq 'abc'"]
)
def test_syntax_errors_are_sap_201(expression):
    with pytest.raises(ServiceLayerFault) as raised:
        parse_filter(expression, FIELDS, case_insensitive=False)(RECORD)

    assert (raised.value.status, raised.value.code) == (400, 201)
