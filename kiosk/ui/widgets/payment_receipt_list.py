"""The stamped payment receipts (complementos de pago) of an invoice, each to print or e-mail."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from kiosk.domain.cfdi import Cfdi
from kiosk.domain.display_formats import format_date, format_money
from kiosk.domain.money import Money
from kiosk.language.catalogue import Texts
from kiosk.ui.widgets.touch_button import MIN_TOUCH, TouchButton

VISIBLE_RECEIPTS = 2
"""As many as show at once; more scroll, so the invoice's pages keep most of the screen."""
BUTTON_WIDTH = 200
ROW_SPACING = 14


def receipt_text(receipt: Cfdi, invoice_uuid: str, texts: Texts) -> str:
    """What one receipt paid of this invoice: when, which instalment, how much, what is left."""
    number = f"{receipt.series or ''}{receipt.folio or ''}"
    lines = []
    for payment in receipt.payments:
        day = format_date(date.fromisoformat(payment.paid_at[:10]), texts.language)
        for related in payment.invoices:
            if related.invoice_uuid.upper() != invoice_uuid.upper():
                continue  # one receipt can pay several invoices: only this one's part
            lines.append(
                texts.format(
                    "cfdi_ui_receipt",
                    number=number,
                    date=day,
                    instalment=related.instalment,
                    paid=format_money(Money(related.paid, related.currency)),
                    balance=format_money(Money(related.balance_after, related.currency)),
                )
            )
    lines.append(texts.format("cfdi_ui_receipt_folio", uuid=receipt.uuid))
    return "\n".join(lines)


class PaymentReceiptRow(QWidget):
    """One receipt: what it says, and its Print and Send buttons."""

    def __init__(self, receipt: Cfdi) -> None:
        super().__init__()
        self.receipt = receipt
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.print_button = TouchButton("")
        self.print_button.setObjectName("receipt-print")
        self.email_button = TouchButton("")
        self.email_button.setObjectName("receipt-email")
        for button in (self.print_button, self.email_button):
            button.setFixedWidth(BUTTON_WIDTH)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.print_button)
        layout.addWidget(self.email_button)


class PaymentReceiptList(QScrollArea):
    """The receipts one under the other; empty and hidden for an invoice without any."""

    receipt_requested = Signal(str, str)
    """(the receipt's folio fiscal, "print" | "email")."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("payment_receipts")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidgetResizable(True)
        self.rows: list[PaymentReceiptRow] = []
        self._invoice_uuid = ""
        self._can_email = False
        self._column = QWidget()
        self._layout = QVBoxLayout(self._column)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(ROW_SPACING)
        self._layout.addStretch(1)
        self.setWidget(self._column)
        self.setVisible(False)

    def show_receipts(
        self, receipts: tuple[Cfdi, ...], invoice_uuid: str, texts: Texts, *, can_email: bool
    ) -> None:
        self.clear_receipts()
        self._invoice_uuid, self._can_email = invoice_uuid, can_email
        for receipt in receipts:
            row = PaymentReceiptRow(receipt)
            uuid = receipt.uuid
            row.print_button.clicked.connect(lambda _c=False, u=uuid: self._request(u, "print"))
            row.email_button.clicked.connect(lambda _c=False, u=uuid: self._request(u, "email"))
            row.email_button.setVisible(can_email)
            self._layout.insertWidget(len(self.rows), row)
            self.rows.append(row)
        self.retranslate(texts)
        self.setVisible(bool(self.rows))

    def clear_receipts(self) -> None:
        for row in self.rows:
            self._layout.removeWidget(row)
            row.deleteLater()
        self.rows = []
        self.setVisible(False)

    def set_busy(self, busy: bool) -> None:
        for row in self.rows:
            row.print_button.setEnabled(not busy)
            row.email_button.setEnabled(not busy)

    def retranslate(self, texts: Texts) -> None:
        for row in self.rows:
            row.text.setText(receipt_text(row.receipt, self._invoice_uuid, texts))
            row.print_button.setText(texts["cfdi_ui_receipt_print"])
            row.email_button.setText(texts["cfdi_ui_receipt_send"])
        self._fit_height()

    def _fit_height(self) -> None:
        """As high as its first rows need; the rest scroll."""
        shown = self.rows[:VISIBLE_RECEIPTS]
        width = max(self.viewport().width(), MIN_TOUCH)
        needed = sum(row.heightForWidth(width) if row.hasHeightForWidth() else
                     row.sizeHint().height() for row in shown)  # fmt: skip
        self.setFixedHeight(needed + ROW_SPACING * max(len(shown) - 1, 0))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._fit_height()

    def _request(self, uuid: str, how: str) -> None:
        self.receipt_requested.emit(uuid, how)
