"""What happened after Print or E-mail, in one sentence, and the ways on."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from kiosk.language.catalogue import Texts
from kiosk.ui.widgets.touch_button import TouchButton


class DoneScreen(QWidget):
    back_requested = Signal()
    """Back to where the customer asked for it (the invoice list, an invoice, the payment)."""
    finished = Signal()
    """The customer is done."""

    _texts: Texts
    """The window's language, handed over by retranslate() before the screen is shown."""

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
        self._back_key = "back_to_invoices"
        buttons = QHBoxLayout()
        buttons.addWidget(self.back)
        buttons.addWidget(self.done, 2)
        layout = QVBoxLayout(self)
        # One line per invoice can be more than the screen holds: they scroll, the buttons stay.
        outcome = QScrollArea()
        outcome.setFrameShape(QFrame.Shape.NoFrame)
        outcome.setWidgetResizable(True)
        outcome.setWidget(self.message)  # centred in the space while it is short
        layout.addWidget(outcome, 1)
        layout.addLayout(buttons)

    def show_outcome(self, lines: list[str], *, back_key: str = "back_to_invoices") -> None:
        """Say what happened; `back_key` names the way back (its text in the catalogue)."""
        self.message.setText("\n".join(lines))
        self._back_key = back_key
        self.retranslate(self._texts)

    def clear(self) -> None:
        self.message.clear()

    def retranslate(self, texts: Texts) -> None:
        self._texts = texts
        self.back.setText(texts[self._back_key])
        self.done.setText(texts["finish"])
