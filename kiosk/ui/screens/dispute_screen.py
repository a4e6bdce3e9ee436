"""No estoy de acuerdo: the whole invoice or some lines, a reason, an amount each, a comment."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.domain.display_formats import format_money
from kiosk.domain.dispute import MAX_COMMENT, Dispute, DisputeReason
from kiosk.domain.invoice import Invoice
from kiosk.domain.money import Money
from kiosk.language.catalogue import Texts
from kiosk.ui.customer_actions import DisputeRequest
from kiosk.ui.widgets.onscreen_keys import KeysFollowFocus, amount_keypad, text_keyboard
from kiosk.ui.widgets.touch_button import MIN_TOUCH, TouchButton

REASON_COLUMNS = 2
CHECKED = "✓ "
"""Before the chosen reason: seen without relying on colour."""
PART, MOST, AMOUNT = range(3)


@dataclass(frozen=True)
class DisputablePart:
    """The whole invoice (`line_number` None) or one line, and the most that can be disputed."""

    line_number: int | None
    description: str
    most: Decimal


def disputable_parts(invoice: Invoice, disputes: tuple[Dispute, ...]) -> list[DisputablePart]:
    """What is still open to dispute, as the services' rules allow it: the whole invoice while
    no part is held, else each line not held, each up to its amount with tax and what is due."""
    held = {dispute.line_number for dispute in disputes if dispute.state.holds_the_amount}
    due = invoice.amount_due.amount
    if invoice.cancelled or invoice.owed_in_sap.is_zero() or due <= 0 or None in held:
        return []
    parts = [] if held else [DisputablePart(None, "", due)]
    for line in invoice.lines:
        if line.line_number not in held:
            most = min(line.line_total + line.tax_amount, due)
            if most > 0:
                parts.append(DisputablePart(line.line_number, line.description, most))
    return parts


def part_name(line_number: int | None, invoice: Invoice, texts: Texts) -> str:
    """Toda la factura, or Línea 2: Cemento gris."""
    if line_number is None:
        return texts["dispute_ui_whole"]
    line = next((item for item in invoice.lines if item.line_number == line_number), None)
    return texts.format(
        "dispute_ui_line", line=line_number + 1, description=line.description if line else ""
    )


class DisputeScreen(QWidget):
    back_requested = Signal()
    """Back to the invoice, nothing disputed."""
    confirmed = Signal(object)
    """The customer confirmed: a DisputeRequest."""

    _texts: Texts
    """The window's language, handed over by retranslate() before the screen is shown."""

    def __init__(self) -> None:
        super().__init__()
        self.invoice: Invoice | None = None
        self.parts: list[DisputablePart] = []
        self._amounts: dict[int, str] = {}
        """What the customer typed for each part (by row), the most by default."""
        self._current: int | None = None
        """The row whose amount the amount field shows and edits: the one tapped last."""
        self.title = QLabel()
        self.title.setObjectName("title")
        self.title.setWordWrap(True)
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("dispute_parts")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.MultiSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(MIN_TOUCH)
        self.table.setProperty("invoices", True)  # spaced cells, as the invoice lists
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(PART, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.reason_label = QLabel()
        self.reasons = QButtonGroup(self)
        self.reasons.setExclusive(True)
        self.reason_buttons: dict[DisputeReason, TouchButton] = {}
        reasons = QGridLayout()
        for index, reason in enumerate(DisputeReason):
            button = TouchButton("")
            button.setObjectName(f"reason-{reason.value}")
            button.setCheckable(True)
            button.toggled.connect(lambda _on: self._show_reasons())
            self.reasons.addButton(button)
            self.reason_buttons[reason] = button
            reasons.addWidget(button, index // REASON_COLUMNS, index % REASON_COLUMNS)
        self.amount_label = QLabel()
        self.amount_label.setWordWrap(True)
        self.amount = QLineEdit()
        self.amount.setObjectName("dispute_amount")
        self.amount.textEdited.connect(self._amount_typed)
        self.comment_label = QLabel()
        self.comment = QLineEdit()
        self.comment.setObjectName("dispute_comment")
        self.comment.setMaxLength(MAX_COMMENT)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.letters = text_keyboard()
        self.digits = amount_keypad()
        self.keys_follow = KeysFollowFocus([self.comment, self.amount], [self.letters, self.digits])
        self.back = TouchButton("")
        self.back.setObjectName("back")
        self.back.setMinimumWidth(240)
        self.back.clicked.connect(self.back_requested)
        self.confirm = TouchButton("", primary=True)
        self.confirm.setObjectName("confirm_dispute")
        self.confirm.clicked.connect(self._confirm)

        right = QVBoxLayout()
        right.addWidget(self.reason_label)
        right.addLayout(reasons)
        right.addWidget(self.message)
        right.addStretch(1)
        middle = QHBoxLayout()
        middle.addWidget(self.table, 4)
        middle.addLayout(right, 3)  # a reason and its check mark whole, two to a row
        fields = QGridLayout()
        fields.addWidget(self.amount_label, 0, 0)
        fields.addWidget(self.amount, 1, 0)
        fields.addWidget(self.comment_label, 0, 1)
        fields.addWidget(self.comment, 1, 1)
        fields.setColumnStretch(0, 1)
        fields.setColumnStretch(1, 2)
        keys = QHBoxLayout()
        keys.addWidget(self.letters, 3)
        keys.addWidget(self.digits, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back)
        buttons.addWidget(self.confirm, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(middle, 1)
        layout.addLayout(fields)
        layout.addLayout(keys)
        layout.addLayout(buttons)

    def show_invoice(self, invoice: Invoice, disputes: tuple[Dispute, ...]) -> None:
        """A fresh start on this invoice: nothing chosen, each amount the most it can be."""
        self.clear()
        self.invoice = invoice
        self.parts = disputable_parts(invoice, disputes)
        self._amounts = {row: str(part.most) for row, part in enumerate(self.parts)}
        self._fill()
        self.keys_follow.point_at(self.comment)

    def set_busy(self, busy: bool) -> None:
        self.confirm.setEnabled(not busy)
        self.back.setEnabled(not busy)
        self.message.setText(self._texts["busy"] if busy else "")

    def show_problem(self, text: str) -> None:
        self.set_busy(False)
        self.message.setText(text)

    def clear(self) -> None:
        self.invoice = None
        self.parts = []
        self._amounts = {}
        self._current = None
        self.table.clearSelection()
        self.table.setRowCount(0)
        self.reasons.setExclusive(False)  # an exclusive group never lets its last one go
        for button in self.reason_buttons.values():
            button.setChecked(False)
        self.reasons.setExclusive(True)
        self.amount.clear()
        self.comment.clear()
        self.message.clear()
        self.confirm.setEnabled(True)
        self.back.setEnabled(True)

    def retranslate(self, texts: Texts) -> None:
        self._texts = texts
        self.reason_label.setText(texts["dispute_ui_reason"])
        self.comment_label.setText(texts["dispute_ui_comment"])
        self.back.setText(texts["back"])
        self.confirm.setText(texts["dispute_ui_confirm"])
        self._show_reasons()
        self._fill()

    def selected_rows(self) -> list[int]:
        return sorted({index.row() for index in self.table.selectionModel().selectedRows()})

    def _fill(self) -> None:
        texts, invoice = self._texts, self.invoice
        self.table.setHorizontalHeaderLabels(
            [texts[key] for key in
             ("dispute_ui_column_part", "dispute_ui_column_most", "dispute_ui_column_amount")]
        )  # fmt: skip
        if invoice is None:
            self.title.clear()
            self._show_amount_field()
            return
        self.title.setText(texts.format("dispute_ui_title", number=invoice.doc_num))
        chosen = self.selected_rows()
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.parts))
        for row, part in enumerate(self.parts):
            cells = (
                part_name(part.line_number, invoice, texts),
                format_money(Money(part.most, invoice.currency)),
                self._amount_cell(row),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)  # a long description is elided in its cell
                if column != PART:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, column, item)
        for row in chosen:
            self.table.selectRow(row)
        self.table.blockSignals(False)
        self._show_amount_field()

    def _amount_cell(self, row: int) -> str:
        """The amount typed for a chosen part, as money where it reads as such."""
        if row not in self.selected_rows() or self.invoice is None:
            return ""
        text = self._amounts.get(row, "")
        amount = _decimal(text)
        return format_money(Money(amount, self.invoice.currency)) if amount is not None else text

    def _selection_changed(self) -> None:
        """The whole invoice or lines, never both; the amount field follows the last tapped."""
        chosen, tapped = self.selected_rows(), self.table.currentRow()
        whole = next((row for row, p in enumerate(self.parts) if p.line_number is None), None)
        if whole is not None and whole in chosen and len(chosen) > 1:
            self.table.blockSignals(True)
            for row in [whole] if tapped != whole else [r for r in chosen if r != whole]:
                self._deselect(row)
            self.table.blockSignals(False)
            chosen = self.selected_rows()
        new = [row for row in chosen if row != self._current]
        if tapped in chosen:
            self._current = tapped
        elif self._current not in chosen:
            self._current = new[-1] if new else None
        for row in range(self.table.rowCount()):
            item = self.table.item(row, AMOUNT)
            if item is not None:
                item.setText(self._amount_cell(row))
        self.message.clear()
        self._show_amount_field()

    def _deselect(self, row: int) -> None:
        selection = self.table.selectionModel()
        index = self.table.model().index(row, 0)
        selection.select(
            index,
            selection.SelectionFlag.Deselect | selection.SelectionFlag.Rows,
        )

    def _show_amount_field(self) -> None:
        row, texts = self._current, self._texts
        if row is None or self.invoice is None or row >= len(self.parts):
            self.amount_label.setText(texts["dispute_ui_amount"])
            self.amount.clear()
            self.amount.setEnabled(False)
            return
        line = self.parts[row].line_number
        name = texts["dispute_ui_whole"] if line is None else None
        name = name or texts.format("dispute_ui_line_short", line=(line or 0) + 1)
        self.amount_label.setText(texts.format("dispute_ui_amount_of", part=name))
        self.amount.setEnabled(True)
        self.amount.setText(self._amounts.get(row, ""))

    def _amount_typed(self, text: str) -> None:
        row = self._current
        if row is None:
            return
        self._amounts[row] = text.strip()
        item = self.table.item(row, AMOUNT)
        if item is not None:
            item.setText(self._amount_cell(row))

    def _show_reasons(self) -> None:
        texts = getattr(self, "_texts", None)
        if texts is None:
            return
        for reason, button in self.reason_buttons.items():
            name = texts[f"dispute_ui_reason_{reason.value}"]
            button.setText(f"{CHECKED}{name}" if button.isChecked() else name)

    def _confirm(self) -> None:
        invoice, texts = self.invoice, self._texts
        if invoice is None:
            return
        chosen = self.selected_rows()
        reason = next((r for r, b in self.reason_buttons.items() if b.isChecked()), None)
        if not chosen:
            self.message.setText(texts["dispute_ui_choose_part"])
            return
        if reason is None:
            self.message.setText(texts["dispute_ui_choose_reason"])
            return
        parts = []
        for row in chosen:
            part, typed = self.parts[row], self._amounts.get(row, "")
            name = part_name(part.line_number, invoice, texts)
            amount = _decimal(typed)
            problem = None
            if amount is None:
                problem = texts.format("dispute_ui_bad_amount", amount=typed)
            elif amount <= 0:
                problem = texts.format("dispute_ui_amount_zero", part=name)
            elif amount > part.most:
                most = format_money(Money(part.most, invoice.currency))
                problem = texts.format("dispute_ui_amount_above", part=name, most=most)
            if problem is not None or amount is None:
                self.message.setText(problem or "")
                return
            parts.append((part.line_number, amount))
        self.set_busy(True)
        self.confirmed.emit(DisputeRequest(invoice, tuple(parts), reason, self.comment.text()))


def _decimal(text: str) -> Decimal | None:
    try:
        amount = Decimal(text.strip().replace(",", ""))
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None
