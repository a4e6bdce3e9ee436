"""One invoice as it prints (its PDF pages rendered by QtPdf), with Pay, Print and E-mail."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QVBoxLayout, QWidget

from kiosk.domain.invoice import Invoice
from kiosk.language.catalogue import Texts
from kiosk.ui.widgets.pdf_pages import PdfPages
from kiosk.ui.widgets.touch_button import TouchButton, action_row

ACTIONS = ("pay", "print", "email")


class InvoiceDetailScreen(QWidget):
    back_requested = Signal()
    """Back to the invoice list."""
    action_requested = Signal(str, list)
    """("pay" | "print" | "email", [this invoice])."""

    def __init__(self) -> None:
        super().__init__()
        self.invoice: Invoice | None = None
        self.view = PdfPages()
        self.back = TouchButton("")
        self.back.setMinimumWidth(240)
        self.back.clicked.connect(self.back_requested)
        buttons, self.action_buttons = action_row(
            self.back, ACTIONS, self._request, prefix="detail-"
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)

    def show_invoice(self, invoice: Invoice, pages: list[QImage]) -> None:
        self.invoice = invoice
        self.view.show_pages(pages)
        self.view.verticalScrollBar().setValue(0)

    def clear(self) -> None:
        self.invoice = None
        self.view.clear_pages()

    def retranslate(self, texts: Texts) -> None:
        self.back.setText(texts["back"])
        for action, button in self.action_buttons.items():
            button.setText(texts[action])

    def _request(self, action: str) -> None:
        if self.invoice is not None:
            self.action_requested.emit(action, [self.invoice])
