"""A PDF's pages as images (QtPdf), rendered off the GUI thread, shown one under the other."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

PAGE_WIDTH = 1100  # pixels: legible on a kiosk screen at arm's length


def render_pages(pdf: bytes, width: int = PAGE_WIDTH) -> list[QImage]:
    """Every page of the PDF as an image `width` pixels wide; safe on a worker thread."""
    buffer = QBuffer()
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    if document.status() is not QPdfDocument.Status.Ready:
        raise ValueError(f"the PDF could not be read ({document.error().name})")
    images = []
    for page in range(document.pageCount()):
        points = document.pagePointSize(page)
        height = round(width * points.height() / points.width())
        ink = document.render(page, QSize(width, height))  # transparent where nothing is drawn
        paper = QImage(ink.size(), QImage.Format.Format_RGB32)
        paper.fill(QColor("white"))
        painter = QPainter(paper)
        painter.drawImage(0, 0, ink)
        painter.end()
        images.append(paper)
    document.close()
    buffer.close()
    return images


class PdfPages(QScrollArea):
    """The rendered pages in a scrollable column a finger can swipe through."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.pages: list[QLabel] = []
        self._column = QWidget()
        self._layout = QVBoxLayout(self._column)
        self._layout.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.setWidget(self._column)

    def show_pages(self, images: list[QImage]) -> None:
        self.clear_pages()
        for image in images:
            label = QLabel()
            label.setPixmap(QPixmap.fromImage(image))
            self._layout.addWidget(label)
            self.pages.append(label)

    def clear_pages(self) -> None:
        for label in self.pages:
            self._layout.removeWidget(label)
            label.deleteLater()
        self.pages = []
