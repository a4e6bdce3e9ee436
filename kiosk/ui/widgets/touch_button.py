"""A button big enough for a finger (at least 64 px high) and readable at arm's length."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QSizePolicy, QWidget

MIN_TOUCH = 64


class TouchButton(QPushButton):
    def __init__(self, text: str, parent: QWidget | None = None, *, primary: bool = False) -> None:
        super().__init__(text, parent)
        self.setMinimumHeight(MIN_TOUCH * 2 if primary else MIN_TOUCH)
        self.setMinimumWidth(MIN_TOUCH)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setProperty("primary", primary)


def action_row(
    back: QWidget, actions: tuple[str, ...], on_tap: Callable[[str], None], *, prefix: str = ""
) -> tuple[QHBoxLayout, dict[str, TouchButton]]:
    """A back button, then one big button per action, each calling on_tap with its name."""
    row = QHBoxLayout()
    row.addWidget(back)
    buttons: dict[str, TouchButton] = {}
    for action in actions:
        button = TouchButton("", primary=True)
        button.setObjectName(f"{prefix}{action}")
        button.clicked.connect(lambda _checked=False, a=action: on_tap(a))
        row.addWidget(button, 2)
        buttons[action] = button
    return row, buttons
