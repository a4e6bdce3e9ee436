"""Identify: tax ID or customer code and the number of one of their invoices, or a scanned code."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from kiosk.domain.kiosk_code import read_kiosk_code
from kiosk.language.catalogue import Texts
from kiosk.services.customer_identification import CustomerIdentification, IdentifiedCustomer
from kiosk.ui.background import TaskRunner
from kiosk.ui.notices import notice_for
from kiosk.ui.widgets.onscreen_keys import KeysFollowFocus, letters_keyboard, numeric_keypad
from kiosk.ui.widgets.touch_button import TouchButton

logger = logging.getLogger(__name__)


class IdentifyScreen(QWidget):
    identified = Signal(object)
    """The customer proved who they are (an IdentifiedCustomer)."""
    back_requested = Signal()
    """The customer wants to go back to the welcome screen."""

    _texts: Texts
    """The window's language, handed over by retranslate() before the screen is shown."""

    def __init__(self, identification: CustomerIdentification, runner: TaskRunner) -> None:
        super().__init__()
        self._identification = identification
        self._runner = runner
        self.title = QLabel()
        self.title.setObjectName("title")
        self.who = QLineEdit()
        self.who.setObjectName("who")
        self.invoice_number = QLineEdit()
        self.invoice_number.setObjectName("invoice_number")
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.letters = letters_keyboard()
        self.digits = numeric_keypad()
        self.digits.entered.connect(self.submit)
        self.continue_button = TouchButton("", primary=True)
        self.continue_button.setObjectName("continue")
        self.continue_button.clicked.connect(self.submit)
        self.back = TouchButton("")
        self.back.setObjectName("back")
        self.back.setMinimumWidth(240)
        self.back.clicked.connect(self.back_requested)
        self.who.returnPressed.connect(self._who_entered)
        self.invoice_number.returnPressed.connect(self.submit)
        self.keys_follow = KeysFollowFocus(
            [self.who, self.invoice_number], [self.letters, self.digits]
        )

        self.scan_hint = QLabel()
        self.scan_hint.setObjectName("scan_hint")
        self.scan_hint.setWordWrap(True)
        fields = QVBoxLayout()
        self.who_label, self.number_label = QLabel(), QLabel()
        for label, field in ((self.who_label, self.who), (self.number_label, self.invoice_number)):
            fields.addWidget(label)
            fields.addWidget(field)
        fields.addWidget(self.scan_hint)
        keys = QHBoxLayout()
        keys.addWidget(self.letters, 3)
        keys.addWidget(self.digits, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back)
        buttons.addWidget(self.continue_button, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title, alignment=Qt.AlignmentFlag.AlignCenter)
        layout.addLayout(fields)
        layout.addWidget(self.message)
        layout.addLayout(keys)
        layout.addLayout(buttons)

    def retranslate(self, texts: Texts) -> None:
        self._texts = texts
        self.title.setText(texts["identify_title"])
        self.who_label.setText(texts["who"])
        self.number_label.setText(texts["invoice_number"])
        self.scan_hint.setText(texts["scan_hint"])
        self.continue_button.setText(texts["continue"])
        self.back.setText(texts["back"])

    def clear(self) -> None:
        self.who.clear()
        self.invoice_number.clear()
        self.message.clear()
        self.keys_follow.point_at(self.who)

    def _who_entered(self) -> None:
        # A scanner types the kiosk code and Enter: that is the whole identification.
        if read_kiosk_code(self.who.text()) is not None:
            self.submit()
        else:
            self.invoice_number.setFocus()

    def check_ready(self, done: Callable[[bool], None]) -> None:
        """Find out in the background whether customers can be identified yet."""
        self._runner.run(self._identification.invoices_downloaded, done, _not_known)

    def submit(self) -> None:
        who, number = self.who.text(), self.invoice_number.text()
        self.message.setText(self._texts["busy"])
        self.continue_button.setEnabled(False)
        self._runner.run(
            lambda: self._identification.identify(who, number), self._done, self._failed
        )

    def _done(self, found: IdentifiedCustomer) -> None:
        self.continue_button.setEnabled(True)
        self.message.clear()
        self.identified.emit(found)

    def _failed(self, error: Exception) -> None:
        self.continue_button.setEnabled(True)
        self.invoice_number.clear()
        self.message.setText(notice_for(error, self._texts))


def _not_known(error: Exception) -> None:
    # The screens stay as they are; identifying will say what is wrong, if anything still is.
    logger.warning("could not tell whether the first download has finished: %s", error)
