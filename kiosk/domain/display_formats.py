"""How amounts and dates read in Spanish (Mexico) and English (US): on paper, in mail, on screen."""

from __future__ import annotations

from datetime import date

from kiosk.domain.money import Money, minor_units

_SYMBOLS = {"MXN": "$", "USD": "US$", "EUR": "€", "BRL": "R$", "COP": "$", "CLP": "$"}


def format_money(money: Money) -> str:
    """$1,234.50 in Mexico and the US alike; the currency's own decimals elsewhere."""
    places = minor_units(money.currency)
    amount = money.rounded().amount
    sign = "-" if amount < 0 else ""
    symbol = _SYMBOLS.get(money.currency, money.currency + " ")
    return f"{sign}{symbol}{abs(amount):,.{places}f}"


def format_date(day: date, language: str) -> str:
    """31/01/2026 in Spanish, 01/31/2026 in English."""
    return day.strftime("%d/%m/%Y" if language == "es" else "%m/%d/%Y")


def format_number(value: object) -> str:
    """A quantity or percentage without needless trailing zeros."""
    text = f"{value:f}" if hasattr(value, "as_tuple") else str(value)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
