"""Printed QR codes: modules never smaller than half a millimetre, quiet zone included."""

from __future__ import annotations

import io

import pytest
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from kiosk.documents.qr_drawing import MIN_MODULE, draw_qr, qr_side
from kiosk.domain.display_formats import format_date, format_money
from kiosk.domain.money import Money
from kiosk.payments.qr_encoder import QUIET_ZONE, QrEncoder


def test_a_long_payload_grows_the_symbol_instead_of_shrinking_modules():
    short = QrEncoder().encode("https://pay.example.com/p/1")
    long = QrEncoder().encode("https://pay.example.com/p/" + "x" * 600)

    assert qr_side(short, 32 * mm) == 32 * mm
    assert qr_side(long, 32 * mm) == len(long.modules) * MIN_MODULE > 32 * mm


def test_drawing_modules_too_small_is_refused():
    code = QrEncoder().encode("https://pay.example.com/p/" + "x" * 600)

    with pytest.raises(ValueError, match="would not scan"):
        draw_qr(Canvas(io.BytesIO()), code, 0, 0, 20 * mm)


def test_symbols_keep_a_quiet_zone_and_level_m_or_better():
    code = QrEncoder().encode("0000004253")

    assert not any(code.modules[0]) and not any(row[0] for row in code.modules)
    assert all(not any(row[:QUIET_ZONE]) for row in code.modules)
    assert code.error_correction == "M"
    with pytest.raises(ValueError):
        QrEncoder("L")


def test_money_and_dates_in_each_language():
    assert format_money(Money.of("1234.5", "MXN")) == "$1,234.50"
    assert format_money(Money.of("-0.005", "MXN")) == "-$0.01"
    assert format_money(Money.of("1234.5", "JPY")) == "JPY 1,235"
    from datetime import date

    assert format_date(date(2026, 1, 31), "es") == "31/01/2026"
    assert format_date(date(2026, 1, 31), "en") == "01/31/2026"
