"""A row of buttons that wraps onto a second row when the space is too narrow for their text."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QWidget

FALLBACK_SPACING = 6


class WrappingRowLayout(QLayout):
    """Widgets side by side sharing the width, on as many rows as it takes to keep each whole.

    Each widget gets at least its size hint's width (for a button: its text and padding), so no
    text is cut; widgets in a row share the width left over, equally wide where they can be.
    The narrowest it gets is its widest widget, one to a row; the height follows the width.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 (Qt's name)
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 (Qt's name)
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 (Qt's name)
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802 (Qt's name)
        return Qt.Orientation.Horizontal

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt's name)
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt's name)
        return self._arrange(QRect(0, 0, width, 0), place=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 (Qt's name)
        super().setGeometry(rect)
        self._arrange(rect, place=True)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        """All in one row."""
        shown = self._shown()
        width = sum(item.sizeHint().width() for item in shown)
        width += self._spacing() * max(0, len(shown) - 1)
        height = max((item.sizeHint().height() for item in shown), default=0)
        return QSize(width, height) + self._margins()

    def minimumSize(self) -> QSize:  # noqa: N802 (Qt's name)
        """One to a row: as wide as the widest widget's text needs."""
        size = QSize(0, 0)
        for item in self._shown():
            size = size.expandedTo(item.sizeHint().expandedTo(item.minimumSize()))
        return size + self._margins()

    def _shown(self) -> list[QLayoutItem]:
        return [item for item in self._items if not item.isEmpty()]

    def _spacing(self) -> int:
        spacing = self.spacing()
        return spacing if spacing >= 0 else FALLBACK_SPACING

    def _margins(self) -> QSize:
        margins = self.contentsMargins()
        return QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _rows(self, width: int) -> list[list[QLayoutItem]]:
        spacing, used = self._spacing(), 0
        row: list[QLayoutItem] = []
        rows = [row]
        for item in self._shown():
            wanted = item.sizeHint().width()
            if row and used + spacing + wanted > width:
                row, used = [], 0
                rows.append(row)
            used += (spacing if row else 0) + wanted
            row.append(item)
        return [row for row in rows if row]

    def _arrange(self, rect: QRect, *, place: bool) -> int:
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        spacing, top = self._spacing(), area.y()
        for row in self._rows(area.width()):
            height = max(item.sizeHint().height() for item in row)
            if place:
                self._place_row(row, area.x(), top, area.width(), height)
            top += height + spacing
        used = top - spacing - area.y() if self._shown() else 0
        return used + margins.top() + margins.bottom()

    def _place_row(
        self, row: list[QLayoutItem], left: int, top: int, width: int, height: int
    ) -> None:
        spacing = self._spacing()
        free = width - spacing * (len(row) - 1)
        wanted = [item.sizeHint().width() for item in row]
        if max(wanted) * len(row) <= free:  # equally wide, as in a plain row of buttons
            widths = [free // len(row)] * len(row)
        else:  # each its own width, the rest shared
            extra = max(0, free - sum(wanted))
            widths = [w + extra // len(row) for w in wanted]
        widths[-1] += max(0, free - sum(widths))  # rounding: the row ends at the right edge
        for item, item_width in zip(row, widths, strict=True):
            item.setGeometry(QRect(left, top, item_width, height))
            left += item_width + spacing
