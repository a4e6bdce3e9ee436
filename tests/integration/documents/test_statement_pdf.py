"""The statement of account PDF as a person reads it (pdftotext): figures, pages, languages."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from kiosk.bundled_files import resource_path
from kiosk.documents.statement_pdf import StatementPdf
from kiosk.domain.reports import ReportPeriod
from kiosk.domain.statement import Statement, build_statement
from tests.fixtures.statement_data import (
    PERIOD,
    TODAY,
    invoice,
    payment,
    statement_data,
)
from tests.integration.documents.conftest import SELLER, layout_text, pages_text, transparency


@pytest.fixture
def statement_pdf() -> StatementPdf:
    return StatementPdf(SELLER, paper="Letter", fonts=resource_path("fonts"))


def fixture_statement(*, history_complete: bool = True) -> Statement:
    data = statement_data()
    return build_statement(
        data.customer, PERIOD, invoices=data.invoices, credit_notes=data.credit_notes,
        payments=data.payments, disputes=data.disputes, today=TODAY,
        history_complete=history_complete,
    )  # fmt: skip


def lines_with(text: str, *words: str) -> list[str]:
    return [line for line in text.splitlines() if all(word in line for word in words)]


def test_the_statement_shows_balances_movements_disputes_and_ageing(statement_pdf, tmp_path):
    text = layout_text(statement_pdf.render(fixture_statement(), language="es"), tmp_path)

    assert "ESTADO DE CUENTA" in text and "Periodo: del 01/01/2026 al 31/03/2026" in text
    assert "Comercializadora Peña del Norte" in text and "RFC: CPN-010101-AB1" in text
    assert "Página 1 de 1" in text
    # The summary: opening, charges, credits, closing, disputed; MXN beside USD.
    assert lines_with(text, "Saldo inicial", "$1,160.00", "US$0.00")
    assert lines_with(text, "Cargos", "$3,000.00", "US$300.00")
    assert lines_with(text, "Abonos", "$1,580.00", "US$100.00")
    assert lines_with(text, "Saldo final", "$2,580.00", "US$200.00")
    # Each movement with its running balance, the credit note and payment against invoices.
    assert lines_with(text, "15/01/2026", "Factura", "1003", "14/02/2026", "$2,320.00", "$3,480.00")
    assert lines_with(text, "05/02/2026", "Nota de crédito", "7001", "1004", "$580.00", "$3,480.00")
    assert lines_with(text, "10/02/2026", "Pago", "9002", "1003", "$1,000.00", "$2,480.00")
    assert lines_with(text, "10/03/2026", "Pago", "9004", "1010", "US$100.00", "US$200.00")
    [memo] = lines_with(text, "20/02/2026", "Disputa", "D-000001")
    assert "$300.00 en disputa" in memo and "$2,480.00" not in memo  # a memo: no balance
    assert "1006" not in text and "1007" not in text  # cancelled, and after the period
    # The ageing: what is due less the disputed 300.00, by days past due on 31 March.
    assert "Antigüedad de saldos al 31/03/2026" in text
    [mxn] = lines_with(text, "MXN", "$1,020.00")
    # Al corriente, 1-30, 31-60, 61-90, más de 90, saldo a favor (none), total, en disputa.
    assert re.findall(r"\$[\d,]+\.\d\d", mxn) == [
        "$100.00", "$0.00", "$1,020.00", "$1,160.00", "$0.00", "$0.00", "$2,280.00", "$300.00",
    ]  # fmt: skip
    assert "todavía estamos descargando pagos" not in text


def test_an_incomplete_history_is_said_and_english_reads_as_english(statement_pdf, tmp_path):
    pdf = statement_pdf.render(fixture_statement(history_complete=False), language="en")
    text = layout_text(pdf, tmp_path)

    assert "STATEMENT OF" in text and "Period: 01/01/2026 to 03/31/2026" in text
    assert "older payments are still being downloaded" in text
    assert lines_with(text, "Closing balance", "$2,580.00", "US$200.00")
    assert lines_with(text, "02/05/2026", "Credit note", "7001")
    assert "Ageing as of 03/31/2026" in text and "Page 1 of 1" in text
    assert transparency(pdf) == []


def test_the_same_statement_gives_the_same_bytes(statement_pdf):
    statement = fixture_statement()

    assert statement_pdf.render(statement, language="es") == statement_pdf.render(
        statement, language="es"
    )


def test_a_300_line_statement_flows_over_pages_with_its_header_on_each(statement_pdf, tmp_path):
    start = date(2026, 1, 1)
    invoices = [invoice(n, start + timedelta(days=n % 90), start + timedelta(days=n % 90 + 30),
                        "100.00") for n in range(1, 151)]  # fmt: skip
    payments = [payment(n, start + timedelta(days=n % 90), "40.00", pays=[(n, "40.00")])
                for n in range(1, 151)]  # fmt: skip
    data = statement_data()
    statement = build_statement(
        data.customer, ReportPeriod(start, TODAY), invoices=invoices, credit_notes=[],
        payments=payments, disputes=[], today=TODAY,
    )  # fmt: skip
    assert statement.entry_count == 300

    pdf = statement_pdf.render(statement, language="es")
    pages = pages_text(pdf)
    text = layout_text(pdf, tmp_path)

    assert len(pages) > 3
    for number, page in enumerate(pages, start=1):
        assert f"Página {number} de {len(pages)}" in page
    movement_pages = [page for page in pages if "Factura" in page or "Pago" in page]
    assert all("Fecha" in page and "Saldo" in page for page in movement_pages)
    for n in range(1, 151):
        assert re.search(rf"\b{1000 + n}\b", text), f"invoice {1000 + n} missing"
        assert re.search(rf"\b{9000 + n}\b", text), f"payment {9000 + n} missing"
    # 150 invoices of 100.00 less 150 payments of 40.00.
    assert lines_with(text, "Saldo final", "$15,000.00", "$6,000.00", "$9,000.00")
    assert "Antigüedad de saldos" in pages[-1]
