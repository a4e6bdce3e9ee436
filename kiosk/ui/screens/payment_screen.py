"""Pay: the QR for the chosen invoices, with the amount and the reference to quote."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk.domain.display_formats import format_money
from kiosk.domain.payment_request import PaymentRequest
from kiosk.domain.qr_code import QrCode
from kiosk.language.catalogue import Texts
from kiosk.ui.widgets.qr_view import QrView
from kiosk.ui.widgets.touch_button import TouchButton


class PaymentScreen(QWidget):
    back_requested = Signal()
    """Back to the invoice list."""
    finished = Signal()
    """The customer is done."""
    slip_requested = Signal(str)
    """Print the payment slip of this reference."""

    _texts: Texts
    """The window's language, handed over by retranslate() before the screen is shown."""

    def __init__(self) -> None:
        super().__init__()
        self.title = QLabel()
        self.title.setObjectName("title")
        self.qr = QrView()
        self.amount = QLabel()
        self.amount.setObjectName("amount")
        self.reference = QLabel()
        self.reference.setObjectName("reference")
        self.invoices = QLabel()
        self.invoices.setWordWrap(True)
        self.how = QLabel()
        self.how.setWordWrap(True)
        self.request_reference = ""
        self.print_slip = TouchButton("")
        self.print_slip.clicked.connect(lambda: self.slip_requested.emit(self.request_reference))
        self.back = TouchButton("")
        self.back.setMinimumWidth(240)
        self.back.clicked.connect(self.back_requested)
        self.done = TouchButton("", primary=True)
        self.done.clicked.connect(self.finished)
        details = QVBoxLayout()
        for label in (self.amount, self.reference, self.invoices, self.how):
            details.addWidget(label)
        details.addStretch(1)
        middle = QHBoxLayout()
        middle.addWidget(self.qr)
        middle.addSpacing(24)
        middle.addLayout(details, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back)
        buttons.addWidget(self.print_slip, 1)
        buttons.addWidget(self.done, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title, alignment=Qt.AlignmentFlag.AlignCenter)
        layout.addLayout(middle, 1)
        layout.addLayout(buttons)

    def show_request(self, request: PaymentRequest, code: QrCode) -> None:
        texts = self._texts
        self.request_reference = request.reference
        self.qr.show_code(code)
        self.amount.setText(texts.format("pay_amount", amount=format_money(request.total)))
        self.reference.setText(texts.format("pay_reference", reference=request.reference))
        numbers = ", ".join(str(number) for number in request.doc_nums)
        self.invoices.setText(texts.format("pay_invoices", numbers=numbers))

    def clear(self) -> None:
        self.request_reference = ""
        self.qr.clear_code()
        for label in (self.amount, self.reference, self.invoices):
            label.clear()

    def retranslate(self, texts: Texts) -> None:
        self._texts = texts
        self.title.setText(texts["pay_title"])
        self.how.setText(texts["pay_how"])
        self.back.setText(texts["back"])
        self.print_slip.setText(texts["print_slip"])
        self.done.setText(texts["finish"])
