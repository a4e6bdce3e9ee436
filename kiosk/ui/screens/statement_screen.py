"""The customer's statement of account at a glance: the balance and its ageing, print or e-mail."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.domain.ageing import AgeingBucket
from kiosk.domain.display_formats import format_date, format_money
from kiosk.domain.email_address import masked_email
from kiosk.domain.money import Money
from kiosk.language.catalogue import Texts
from kiosk.ui.customer_actions import StatementView
from kiosk.ui.widgets.touch_button import TouchButton, action_row

ACTIONS = ("print", "email")
"""Imprimir, Enviar por correo (the latter only with an e-mail on file)."""


class StatementScreen(QWidget):
    back_requested = Signal()
    """Back to the invoice list."""
    print_requested = Signal(object)
    """Imprimir: the StatementView shown."""
    email_requested = Signal(object)
    """Enviar por correo: the StatementView shown."""

    _texts: Texts
    """The window's language, handed over by retranslate() before the screen is shown."""

    def __init__(self) -> None:
        super().__init__()
        self.shown: StatementView | None = None
        self.title = QLabel()
        self.title.setObjectName("title")
        self.period = QLabel()
        self.period.setObjectName("statement_period")
        self.period.setWordWrap(True)
        self.table = QTableWidget(0, 0)
        self.table.setObjectName("statement_summary")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # figures to read, nothing to pick
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(56)
        # Every column as wide as its heading and amounts need, never cut short.
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.note = QLabel()
        self.note.setObjectName("statement_note")
        self.note.setWordWrap(True)
        self.email_hint = QLabel()
        self.email_hint.setObjectName("statement_email")
        self.email_hint.setWordWrap(True)
        self.status = QLabel()
        self.status.setObjectName("message")
        self.back = TouchButton("")
        self.back.setMinimumWidth(240)
        self.back.clicked.connect(self.back_requested)
        buttons, self.action_buttons = action_row(
            self.back, ACTIONS, self._request, prefix="statement-"
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.title, alignment=Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.period)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)
        layout.addWidget(self.email_hint)
        layout.addWidget(self.status)
        layout.addLayout(buttons)

    def show_statement(self, shown: StatementView) -> None:
        self.shown = shown
        self._fill()
        self.set_busy(False)

    def set_busy(self, busy: bool) -> None:
        """While a print or e-mail asked from here runs, nothing can be tapped twice."""
        self.status.setText(self._texts["busy"] if busy else "")
        self.back.setEnabled(not busy)
        for button in self.action_buttons.values():
            button.setEnabled(not busy and self.shown is not None)

    def clear(self) -> None:
        self.shown = None
        self.table.setRowCount(0)
        for label in (self.period, self.note, self.email_hint, self.status):
            label.clear()

    def retranslate(self, texts: Texts) -> None:
        self._texts = texts
        self.title.setText(texts["statement_ui_title"])
        self.back.setText(texts["back"])
        for action, button in self.action_buttons.items():
            button.setText(texts[f"statement_ui_{action}"])
        self._fill()

    def _fill(self) -> None:
        texts, shown = self._texts, self.shown
        headers = [
            texts["statement_currency"],
            texts["statement_closing"],
            *(texts[f"statement_bucket_{bucket.value}"] for bucket in AgeingBucket),
            texts["statement_disputed"],
        ]
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.action_buttons["email"].setVisible(shown is not None and shown.email is not None)
        if shown is None:
            return
        statement, language = shown.statement, texts.language
        self.period.setText(
            texts.format(
                "statement_ui_period",
                start=format_date(statement.period.start, language),
                end=format_date(statement.period.end, language),
                day=format_date(statement.ageing_on, language),
            )
        )
        self.table.setRowCount(len(statement.sections))
        for row, section in enumerate(statement.sections):
            amounts = [
                section.closing,
                *(section.ageing[bucket] for bucket in AgeingBucket),
                section.disputed,
            ]
            cells = [section.currency, *(format_money(Money(a, section.currency)) for a in amounts)]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, column, item)
        notes = [] if statement.sections else [texts["statement_nothing"]]
        if not statement.history_complete:
            notes.append(texts["statement_incomplete"])
        self.note.setText("\n".join(notes))
        self.note.setVisible(bool(notes))
        email = shown.email
        self.email_hint.setText(
            texts.format("statement_ui_email_to", address=masked_email(email.address))
            if email is not None
            else ""
        )

    def _request(self, action: str) -> None:
        if self.shown is None:
            return
        signal = self.print_requested if action == "print" else self.email_requested
        signal.emit(self.shown)
