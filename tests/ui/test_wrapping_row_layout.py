"""A row of buttons that wraps: side by side when there is room, one above the other when not."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from PySide6.QtWidgets import QStyle, QStyleOptionButton, QVBoxLayout, QWidget

from kiosk.ui.widgets.touch_button import TouchButton
from kiosk.ui.widgets.wrapping_row_layout import WrappingRowLayout


def _row(qtbot: QtBot, width: int) -> tuple[QWidget, TouchButton, TouchButton]:
    panel = QWidget()
    layout = QVBoxLayout(panel)
    row = WrappingRowLayout()
    first, second = TouchButton("Imprimir"), TouchButton("Enviar por correo electrónico")
    row.addWidget(first)
    row.addWidget(second)
    layout.addLayout(row)
    layout.addStretch(1)
    qtbot.addWidget(panel)
    panel.resize(width, 400)
    panel.show()
    qtbot.waitExposed(panel)
    return panel, first, second


def _text_fits(button: TouchButton) -> bool:
    option = QStyleOptionButton()
    button.initStyleOption(option)
    contents = button.style().subElementRect(
        QStyle.SubElement.SE_PushButtonContents, option, button
    )
    return contents.width() >= button.fontMetrics().horizontalAdvance(button.text())


def test_with_room_the_buttons_share_one_row_equally(qtbot: QtBot) -> None:
    panel, first, second = _row(qtbot, 1000)

    assert first.y() == second.y()
    assert first.width() == second.width()
    assert second.geometry().right() <= panel.contentsRect().right()
    assert first.geometry().right() < second.x()


def test_when_narrow_the_second_button_goes_below_whole(qtbot: QtBot) -> None:
    side_by_side = TouchButton("Imprimir").sizeHint().width()
    side_by_side += TouchButton("Enviar por correo electrónico").sizeHint().width()
    panel, first, second = _row(qtbot, side_by_side)

    assert second.y() >= first.geometry().bottom()
    assert first.x() == second.x()
    assert _text_fits(first) and _text_fits(second)
    assert panel.minimumSizeHint().width() < side_by_side
