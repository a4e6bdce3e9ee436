"""The first screen: the company, one big "Find my invoices", and the language switch."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from kiosk.language.catalogue import Texts
from kiosk.ui.widgets.touch_button import TouchButton

STAFF_TAPS, STAFF_TAP_SECONDS = 5, 3.0
LOGO_HEIGHT = 140


class WelcomeScreen(QWidget):
    find_requested = Signal()
    """The customer wants to look up their invoices."""
    language_toggled = Signal()
    """The customer switched between Spanish and English."""
    staff_requested = Signal()
    """Five quick taps on the company name: the hidden way into staff mode."""

    def __init__(self, company: str, *, demo_hint: str = "", logo: Path | None = None) -> None:
        super().__init__()
        self.logo = QLabel()
        self.logo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        picture = QPixmap(str(logo)) if logo else QPixmap()
        if not picture.isNull():
            self.logo.setPixmap(
                picture.scaledToHeight(LOGO_HEIGHT, Qt.TransformationMode.SmoothTransformation)
            )
        self.logo.setVisible(not picture.isNull())
        self.company = QLabel(company)
        self.company.setObjectName("company")
        self.company.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.company.setWordWrap(True)
        self.company.installEventFilter(self)
        self._taps: list[float] = []
        self.demo = QLabel()
        self.demo.setObjectName("demo")
        self.demo.setVisible(bool(demo_hint))
        self.demo_hint = QLabel(demo_hint)
        self.demo_hint.setObjectName("demo_hint")
        self.demo_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.demo_hint.setVisible(bool(demo_hint))
        self.preparing = QLabel()
        self.preparing.setObjectName("preparing")
        self.preparing.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preparing.setWordWrap(True)
        self.preparing.setVisible(False)
        self.find_button = TouchButton("", primary=True)
        self.find_button.setObjectName("find")
        self.find_button.clicked.connect(self.find_requested)
        self.language = TouchButton("")
        self.language.setObjectName("language")
        self.language.clicked.connect(self.language_toggled)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.demo, alignment=Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.logo)
        layout.addWidget(self.company)
        layout.addSpacing(40)
        layout.addWidget(self.find_button)
        layout.addWidget(self.preparing)
        layout.addWidget(self.demo_hint)
        layout.addStretch(1)
        layout.addWidget(self.language, alignment=Qt.AlignmentFlag.AlignRight)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.company and event.type() == QEvent.Type.MouseButtonPress:
            now = time.monotonic()
            self._taps = [t for t in self._taps if now - t < STAFF_TAP_SECONDS] + [now]
            if len(self._taps) >= STAFF_TAPS:
                self._taps = []
                self.staff_requested.emit()
        return False

    def set_ready(self, ready: bool) -> None:
        """Before the first download of invoices has finished, nobody can look theirs up."""
        self.find_button.setEnabled(ready)
        self.preparing.setVisible(not ready)

    def clear(self) -> None:
        """Nothing here is a customer's: the window itself puts its own language back."""

    def retranslate(self, texts: Texts) -> None:
        self.find_button.setText(texts["find"])
        self.preparing.setText(texts["preparing"])
        self.language.setText(texts["language"])
        self.demo.setText(texts["demo"])
