"""Asks before e-mailing invoices to the address SAP holds, shown masked, when none is on file."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk.domain.email_address import masked_email
from kiosk.language.catalogue import Texts
from kiosk.ui.widgets.touch_button import TouchButton


class EmailOfferScreen(QWidget):
    accepted = Signal()
    """The customer agreed: send to the address offered."""
    back_requested = Signal()
    """Not that address: back to where the customer was."""

    _texts: Texts
    """The window's language, handed over by retranslate() before the screen is shown."""

    def __init__(self) -> None:
        super().__init__()
        self.address = ""
        self.message = QLabel()
        self.message.setObjectName("outcome")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.other = QLabel()
        self.other.setWordWrap(True)
        self.other.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.back = TouchButton("")
        self.back.setMinimumWidth(240)
        self.back.clicked.connect(self.back_requested)
        self.send = TouchButton("", primary=True)
        self.send.clicked.connect(self.accepted)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back)
        buttons.addWidget(self.send, 2)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.message)
        layout.addWidget(self.other)
        layout.addStretch(1)
        layout.addLayout(buttons)

    def offer(self, address: str) -> None:
        self.address = address
        self.retranslate(self._texts)

    def clear(self) -> None:
        self.address = ""
        self.message.clear()

    def retranslate(self, texts: Texts) -> None:
        self._texts = texts
        masked = masked_email(self.address) if self.address else ""
        self.message.setText(texts.format("email_offer", address=masked) if masked else "")
        self.other.setText(texts["email_offer_other"])
        self.back.setText(texts["back"])
        self.send.setText(texts["email_offer_send"])
