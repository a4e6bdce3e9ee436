"""A QR symbol drawn crisp and large enough to scan from a phone held at the screen."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap
from PySide6.QtWidgets import QLabel, QWidget

from kiosk.domain.qr_code import QrCode

SIDE = 360


class QrView(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setFixedSize(SIDE, SIDE)
        self.payload = ""

    def show_code(self, code: QrCode) -> None:
        self.payload = code.payload
        count = len(code.modules)
        scale = max(1, SIDE // count)
        image = QImage(count * scale, count * scale, QImage.Format.Format_RGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        for row, modules in enumerate(code.modules):
            for column, dark in enumerate(modules):
                if dark:
                    painter.fillRect(column * scale, row * scale, scale, scale, QColor("black"))
        painter.end()
        self.setPixmap(QPixmap.fromImage(image))

    def clear_code(self) -> None:
        self.payload = ""
        self.clear()
