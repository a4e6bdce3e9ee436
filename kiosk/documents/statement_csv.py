"""The statement of account as CSV: one row per entry with its currency, and the balances."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from kiosk.domain.statement import CurrencySection, Statement
from kiosk.language.catalogue import Texts

COLUMNS = (
    "currency", "date", "document", "number", "reference", "due", "charge", "credit", "balance",
    "disputed",
)  # fmt: skip


class StatementCsv:
    """Writes statements as UTF-8 CSV (with a BOM, so spreadsheets read the accents right);
    amounts exactly as the statement holds them, dates as YYYY-MM-DD."""

    def render(self, statement: Statement, *, language: str) -> bytes:
        words = Texts(language)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow([_heading(column, words) for column in COLUMNS])
        for section in statement.sections:
            writer.writerows(_rows(section, statement, words))
        return buffer.getvalue().encode("utf-8-sig")


def _heading(column: str, words: Texts) -> str:
    if column in ("currency", "disputed"):
        return words[f"statement_{column}"]
    return words[f"statement_column_{column}"]


def _rows(section: CurrencySection, statement: Statement, words: Texts) -> list[list[str]]:
    currency, period = section.currency, statement.period
    rows = [
        [currency, period.start.isoformat(), words["statement_opening"], "", "", "", "", "",
         _amount(section.opening), ""],
    ]  # fmt: skip
    for entry in section.entries:
        rows.append(
            [
                currency,
                entry.day.isoformat(),
                words[f"statement_kind_{entry.kind.value}"],
                entry.number,
                entry.reference or "",
                entry.due_date.isoformat() if entry.due_date else "",
                _amount(entry.charge) if entry.charge else "",
                _amount(entry.credit) if entry.credit else "",
                _amount(entry.balance),
                _amount(entry.disputed) if entry.disputed else "",
            ]
        )
    rows.append(
        [currency, period.end.isoformat(), words["statement_closing"], "", "", "",
         _amount(section.charges), _amount(section.credits), _amount(section.closing),
         _amount(section.disputed)],
    )  # fmt: skip
    return rows


def _amount(value: Decimal) -> str:
    """The exact amount, never in exponent notation (1E+3 would not read back as a number)."""
    return f"{value:f}"
