"""The statement as CSV: a row per entry with its currency, balances, exact amounts read back."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from kiosk.documents.statement_csv import StatementCsv
from kiosk.domain.statement import build_statement
from tests.fixtures.statement_data import PERIOD, TODAY, statement_data


def rows(language: str = "es") -> list[list[str]]:
    data = statement_data()
    statement = build_statement(
        data.customer, PERIOD, invoices=data.invoices, credit_notes=data.credit_notes,
        payments=data.payments, disputes=data.disputes, today=TODAY,
    )  # fmt: skip
    content = StatementCsv().render(statement, language=language)
    assert content.startswith(b"\xef\xbb\xbf")  # the BOM spreadsheets need for the accents
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_one_row_per_entry_between_the_opening_and_closing_rows():
    table = rows()

    assert table[0] == ["Moneda", "Fecha", "Documento", "Número", "Referencia", "Vencimiento",
                        "Cargo", "Abono", "Saldo", "En disputa"]  # fmt: skip
    assert [row[2] for row in table[1:] if row[0] == "MXN"] == [
        "Saldo inicial", "Factura", "Factura", "Nota de crédito", "Pago", "Disputa", "Factura",
        "Saldo final",
    ]  # fmt: skip
    assert table[1] == ["MXN", "2026-01-01", "Saldo inicial", "", "", "", "", "", "1160.00", ""]
    assert table[6] == ["MXN", "2026-02-20", "Disputa", "D-000001", "1003", "", "", "",
                        "2480.00", "300.00"]  # fmt: skip
    assert table[-1] == ["USD", "2026-03-31", "Saldo final", "", "", "", "300.00", "100.00",
                         "200.00", "0"]  # fmt: skip


def test_the_amounts_read_back_exactly_and_add_up_to_the_closing_row():
    table = rows("en")
    assert table[0][2] == "Document"

    for currency in ("MXN", "USD"):
        mine = [row for row in table[1:] if row[0] == currency]
        opening, entries, closing = mine[0], mine[1:-1], mine[-1]
        charges = sum((Decimal(row[6] or 0) for row in entries), Decimal(0))
        credits = sum((Decimal(row[7] or 0) for row in entries), Decimal(0))
        assert (Decimal(closing[6]), Decimal(closing[7])) == (charges, credits)
        assert Decimal(closing[8]) == Decimal(opening[8]) + charges - credits
        assert Decimal(entries[-1][8]) == Decimal(closing[8])
    assert [row[8] for row in table if row[0] == "MXN"][-1] == "2580.00"
