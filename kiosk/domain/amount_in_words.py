"""An amount in Mexican Spanish words, as Mexican invoices print it ("UN PESO 00/100 M.N.")."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

LARGEST = Decimal("999999999999.99")
_CENTS = Decimal("0.01")
# Singular, plural and the code after the cents; a currency without nouns gets its code only.
_CURRENCIES = {
    "MXN": ("PESO", "PESOS", "M.N."),
    "USD": ("DÓLAR", "DÓLARES", "USD"),
    "EUR": ("EURO", "EUROS", "EUR"),
}
_UNITS = (
    "CERO", "UNO", "DOS", "TRES", "CUATRO", "CINCO", "SEIS", "SIETE", "OCHO", "NUEVE", "DIEZ",
    "ONCE", "DOCE", "TRECE", "CATORCE", "QUINCE", "DIECISÉIS", "DIECISIETE", "DIECIOCHO",
    "DIECINUEVE", "VEINTE", "VEINTIUNO", "VEINTIDÓS", "VEINTITRÉS", "VEINTICUATRO",
    "VEINTICINCO", "VEINTISÉIS", "VEINTISIETE", "VEINTIOCHO", "VEINTINUEVE",
)  # fmt: skip
_TENS = ("", "", "", "TREINTA", "CUARENTA", "CINCUENTA", "SESENTA", "SETENTA", "OCHENTA",
         "NOVENTA")  # fmt: skip
_HUNDREDS = ("", "CIENTO", "DOSCIENTOS", "TRESCIENTOS", "CUATROCIENTOS", "QUINIENTOS",
             "SEISCIENTOS", "SETECIENTOS", "OCHOCIENTOS", "NOVECIENTOS")  # fmt: skip
# "Uno" loses its last vowel before a noun: un peso, veintiún mil, ciento un millones.
_BEFORE_NOUN = {"UNO": "UN", "VEINTIUNO": "VEINTIÚN"}


def amount_in_words(amount: Decimal, currency: str) -> str:
    """1234.50 MXN: "UN MIL DOSCIENTOS TREINTA Y CUATRO PESOS 50/100 M.N.".

    Cents are rounded half up; negative amounts and amounts above LARGEST are refused.
    """
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"an amount in words must be zero or positive, not {amount}")
    rounded = amount.quantize(_CENTS, rounding=ROUND_HALF_UP)
    if rounded > LARGEST:
        raise ValueError(f"{amount} is above the largest amount in words, {LARGEST}")
    whole, cents = divmod(int(rounded * 100), 100)
    code = currency.upper()
    nouns = _CURRENCIES.get(code)
    if nouns is None:
        return f"{_number(whole, before_noun=False)} {cents:02d}/100 {code}"
    singular, plural, suffix = nouns
    words = _number(whole, before_noun=True)
    # A round number of millions takes "de" before the noun: un millón de pesos.
    noun = singular if whole == 1 else ("DE " if whole and whole % 1_000_000 == 0 else "") + plural
    return f"{words} {noun} {cents:02d}/100 {suffix}"


def _number(value: int, *, before_noun: bool) -> str:
    if value == 0:
        return _UNITS[0]
    millions, rest = divmod(value, 1_000_000)
    parts = []
    if millions == 1:
        parts.append("UN MILLÓN")
    elif millions:
        parts.append(f"{_below_million(millions, before_noun=True)} MILLONES")
    if rest:
        parts.append(_below_million(rest, before_noun=before_noun))
    return " ".join(parts)


def _below_million(value: int, *, before_noun: bool) -> str:
    thousands, rest = divmod(value, 1000)
    parts = []
    if thousands:
        # Mexican invoices write "un mil" where everyday Spanish says "mil".
        parts.append(f"{_below_thousand(thousands, before_noun=True)} MIL")
    if rest:
        parts.append(_below_thousand(rest, before_noun=before_noun))
    return " ".join(parts)


def _below_thousand(value: int, *, before_noun: bool) -> str:
    if value == 100:
        return "CIEN"
    hundreds, rest = divmod(value, 100)
    parts = [_HUNDREDS[hundreds]] if hundreds else []
    if rest:
        if rest < len(_UNITS):
            words = _UNITS[rest]
        else:
            tens, unit = divmod(rest, 10)
            words = _TENS[tens] + (f" Y {_UNITS[unit]}" if unit else "")
        if before_noun:
            last = words.rsplit(" ", 1)[-1]
            if last in _BEFORE_NOUN:
                words = words[: -len(last)] + _BEFORE_NOUN[last]
        parts.append(words)
    return " ".join(parts)
