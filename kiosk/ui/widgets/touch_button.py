"""A button big enough for a finger (at least 64 px high) and readable at arm's length."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton, QSizePolicy, QWidget

MIN_TOUCH = 64


class TouchButton(QPushButton):
    def __init__(self, text: str, parent: QWidget | None = None, *, primary: bool = False) -> None:
        super().__init__(text, parent)
        self.setMinimumHeight(MIN_TOUCH * 2 if primary else MIN_TOUCH)
        self.setMinimumWidth(MIN_TOUCH)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setProperty("primary", primary)
