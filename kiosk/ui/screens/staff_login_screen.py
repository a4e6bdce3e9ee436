"""Staff login: user and PIN, typed on the screen's own keys."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from kiosk.domain.staff import StaffSession
from kiosk.language.catalogue import Texts
from kiosk.ui.background import TaskRunner
from kiosk.ui.notices import notice_for
from kiosk.ui.staff_services import StaffServices
from kiosk.ui.widgets.onscreen_keys import KeysFollowFocus, letters_keyboard, numeric_keypad
from kiosk.ui.widgets.touch_button import TouchButton


class StaffLoginScreen(QWidget):
    logged_in = Signal(object)
    """A StaffSession."""
    back_requested = Signal()

    _texts: Texts
    """The window's language, handed over by retranslate() before the screen is shown."""

    def __init__(self, services: StaffServices, runner: TaskRunner) -> None:
        super().__init__()
        self._services = services
        self._runner = runner
        self.title = QLabel()
        self.title.setObjectName("title")
        self.user = QLineEdit()
        self.user.setObjectName("user")
        self.pin = QLineEdit()
        self.pin.setObjectName("pin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.letters = letters_keyboard()
        self.digits = numeric_keypad()
        self.digits.entered.connect(self.submit)
        self.login_button = TouchButton("", primary=True)
        self.login_button.clicked.connect(self.submit)
        self.back = TouchButton("")
        self.back.setMinimumWidth(240)
        self.back.clicked.connect(self.back_requested)
        self.user.returnPressed.connect(self.pin.setFocus)
        self.pin.returnPressed.connect(self.submit)
        self.keys_follow = KeysFollowFocus([self.user, self.pin], [self.letters, self.digits])
        self.user_label, self.pin_label = QLabel(), QLabel()
        keys = QHBoxLayout()
        keys.addWidget(self.letters, 3)
        keys.addWidget(self.digits, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back)
        buttons.addWidget(self.login_button, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title, alignment=Qt.AlignmentFlag.AlignCenter)
        for widget in (self.user_label, self.user, self.pin_label, self.pin, self.message):
            layout.addWidget(widget)
        layout.addLayout(keys)
        layout.addLayout(buttons)

    def retranslate(self, texts: Texts) -> None:
        self._texts = texts
        self.title.setText(texts["staff_title"])
        self.user_label.setText(texts["staff_user"])
        self.pin_label.setText(texts["staff_pin"])
        self.login_button.setText(texts["staff_login"])
        self.back.setText(texts["back"])

    def clear(self) -> None:
        self.user.clear()
        self.pin.clear()
        self.message.clear()
        self.keys_follow.point_at(self.user)

    def submit(self) -> None:
        name, pin = self.user.text(), self.pin.text()
        self.pin.clear()
        self.message.setText(self._texts["busy"])
        self.login_button.setEnabled(False)
        self._runner.run(lambda: self._services.login(name, pin), self._done, self._failed)

    def _done(self, session: StaffSession) -> None:
        self.login_button.setEnabled(True)
        self.clear()
        self.logged_in.emit(session)

    def _failed(self, error: Exception) -> None:
        self.login_button.setEnabled(True)
        self.message.setText(notice_for(error, self._texts))
