"""A table of invoices a finger can pick from: number, date, due date, amount due, status."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from kiosk.domain.display_formats import format_date, format_money
from kiosk.domain.invoice import Invoice
from kiosk.domain.money import Money
from kiosk.language.catalogue import Texts

HEADERS = ("number", "date", "due", "amount_due", "status")
AMOUNT_COLUMN = 3


def invoice_table() -> QTableWidget:
    """An empty table where tapping rows selects several."""
    table = QTableWidget(0, len(HEADERS))
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.MultiSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(64)  # rows a finger can hit
    table.setProperty("invoices", True)  # the style sheet spaces its cells apart
    # Every column as wide as its header and cells need, never cut short: the amount no wider
    # than the largest one, the status taking what is left; narrower than that, it scrolls.
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    return table


def fill_invoice_table(
    table: QTableWidget, invoices: list[Invoice], texts: Texts, today: date
) -> None:
    """Show the invoices in the table, in the reader's language, with status as of today."""
    table.setHorizontalHeaderLabels([texts[key] for key in HEADERS])
    amount_header = table.horizontalHeaderItem(AMOUNT_COLUMN)
    if amount_header is not None:  # over its amounts, right-aligned as they are
        amount_header.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    table.setRowCount(len(invoices))
    for row, invoice in enumerate(invoices):
        cells = [
            str(invoice.doc_num),
            format_date(invoice.posting_date, texts.language),
            format_date(invoice.due_date, texts.language),
            format_money(invoice.amount_due),
            invoice_status(invoice, texts, today),
        ]
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if column == AMOUNT_COLUMN:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(row, column, item)


def selected_rows(table: QTableWidget) -> list[int]:
    """The rows picked, top to bottom."""
    return sorted({index.row() for index in table.selectionModel().selectedRows()})


def invoice_status(invoice: Invoice, texts: Texts, today: date) -> str:
    """Its status as of today, and what is in dispute (left out of the amount due) if any."""
    status = texts[f"status_{invoice.status_on(today).value}"]
    if invoice.disputed <= 0:
        return status
    return f"{status} · {disputed_text(invoice, texts)}"


def disputed_text(invoice: Invoice, texts: Texts) -> str:
    """En disputa: $116.00."""
    disputed = format_money(Money(invoice.disputed, invoice.currency))
    return texts.format("dispute_ui_disputed", amount=disputed)
