"""On-screen keys (no physical keyboard on a kiosk): a numeric keypad and a letters keyboard."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import QGridLayout, QLineEdit, QWidget

from kiosk.ui.widgets.touch_button import TouchButton

DIGITS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "⌫", "0", "✓"]
LETTERS = "QWERTYUIOPASDFGHJKLÑZXCVBNM&"
AMOUNT_KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "0", ".", "⌫"]
BACKSPACE = "⌫"
ENTER = "✓"
SPACE = "␣"


class OnScreenKeys(QWidget):
    """Keys that type into whichever field is the target; Enter asks to continue."""

    entered = Signal()
    """The customer pressed the ✓ key."""

    def __init__(self, keys: list[str], columns: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.target: QLineEdit | None = None
        grid = QGridLayout(self)
        grid.setSpacing(6)
        # Flush with the fields above: the identify screen needs every pixel of 800 in height.
        grid.setContentsMargins(0, 0, 0, 0)
        for index, key in enumerate(keys):
            button = TouchButton(key.replace("&", "&&"))  # a lone & would mark a shortcut
            button.setObjectName(f"key-{key}")
            button.clicked.connect(lambda _checked=False, k=key: self.press(k))
            grid.addWidget(button, index // columns, index % columns)

    def press(self, key: str) -> None:
        if key == ENTER:
            self.entered.emit()
            return
        if self.target is None:
            return
        if key == BACKSPACE:
            self.target.backspace()
        else:
            self.target.insert(" " if key == SPACE else key)


def numeric_keypad(parent: QWidget | None = None) -> OnScreenKeys:
    return OnScreenKeys(DIGITS, 3, parent)


def letters_keyboard(parent: QWidget | None = None) -> OnScreenKeys:
    return OnScreenKeys([*LETTERS, BACKSPACE], 10, parent)


def amount_keypad(parent: QWidget | None = None) -> OnScreenKeys:
    """Digits and the decimal point, three rows: as high as the letters beside it."""
    return OnScreenKeys(AMOUNT_KEYS, 4, parent)


def text_keyboard(parent: QWidget | None = None) -> OnScreenKeys:
    """Letters for a few words of free text, with a comma and a space: three rows."""
    return OnScreenKeys([*LETTERS.replace("&", ""), ",", SPACE, BACKSPACE], 10, parent)


class KeysFollowFocus(QObject):
    """Points the on-screen keys at whichever field was focused or tapped last."""

    def __init__(self, fields: list[QLineEdit], keyboards: list[OnScreenKeys]) -> None:
        super().__init__(keyboards[0])
        self._fields = fields
        self._keyboards = keyboards
        for field in fields:
            field.installEventFilter(self)
        self.point_at(fields[0])

    def point_at(self, field: QLineEdit) -> None:
        for keys in self._keyboards:
            keys.target = field

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        # A tap chooses the field too: a kiosk window is not always the active one.
        chosen = event.type() in (QEvent.Type.FocusIn, QEvent.Type.MouseButtonPress)
        if chosen and isinstance(watched, QLineEdit) and watched in self._fields:
            self.point_at(watched)
        return False
