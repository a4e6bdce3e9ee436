"""What happened after Print or E-mail, in one sentence, and the ways on."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk.ui.texts import Texts
from kiosk.ui.widgets.touch_button import TouchButton


class DoneScreen(QWidget):
    back_requested = Signal()
    """Back to the invoice list."""
    finished = Signal()
    """The customer is done."""

    def __init__(self) -> None:
        super().__init__()
        self.message = QLabel()
        self.message.setObjectName("outcome")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.back = TouchButton("")
        self.back.setMinimumWidth(240)
        self.back.clicked.connect(self.back_requested)
        self.done = TouchButton("", primary=True)
        self.done.clicked.connect(self.finished)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back)
        buttons.addWidget(self.done, 2)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addLayout(buttons)

    def show_outcome(self, lines: list[str]) -> None:
        self.message.setText("\n".join(lines))

    def clear(self) -> None:
        self.message.clear()

    def retranslate(self, texts: Texts) -> None:
        self.back.setText(texts["back_to_invoices"])
        self.done.setText(texts["finish"])
