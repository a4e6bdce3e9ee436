"""Printing PDFs through Qt: the way on Windows, the fallback where CUPS is missing, and the
print dialog staff may use. The one module outside ui/ and app/ that imports Qt (ARCHITECTURE.md).
"""

from __future__ import annotations

import os
import sys
from datetime import datetime

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize
from PySide6.QtGui import QGuiApplication, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import QWidget

from kiosk.domain.delivery import PrinterInfo
from kiosk.services.errors import ExternalRejected, ExternalUnavailable

RENDER_DPI = 300  # sharp text and QR modules, without the size of full printer resolution


class QtPrinter:
    """Renders each PDF page (QtPdf) and paints it on a QPrinter."""

    def printers(self) -> list[PrinterInfo]:
        _application()
        default = QPrinterInfo.defaultPrinterName()
        found = [
            PrinterInfo(
                name=info.printerName(),
                is_default=info.printerName() == default,
                accepting=True,
                enabled=info.state() != QPrinter.PrinterState.Error,
                description=info.description(),
            )
            for info in QPrinterInfo.availablePrinters()
        ]
        return sorted(found, key=lambda printer: (not printer.is_default, printer.name))

    def print_pdf(self, pdf: bytes, *, printer: str | None, title: str) -> str:
        """Print silently; Qt reports no spooler job id, so the receipt names printer and time."""
        qprinter = self._printer(printer)
        qprinter.setDocName(title)
        self._paint(pdf, qprinter)
        return f"qt:{qprinter.printerName()}:{datetime.now():%Y%m%dT%H%M%S}"

    def print_with_dialog(
        self, pdf: bytes, *, title: str, parent: QWidget | None = None
    ) -> str | None:
        """Let staff choose printer and options; None when they cancel."""
        qprinter = self._dialog_printer()
        qprinter.setDocName(title)
        dialog = QPrintDialog(qprinter, parent)
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return None
        self._paint(pdf, qprinter)
        return f"qt:{qprinter.printerName()}:{datetime.now():%Y%m%dT%H%M%S}"

    def _printer(self, name: str | None) -> QPrinter:
        _application()
        if name is None:
            default = QPrinterInfo.defaultPrinter()
            if default.isNull():
                raise ExternalRejected(
                    "no printer: this computer has no default printer; choose one "
                    "(printing.printer, or --printer)",
                    code="no-printer",
                )
            return QPrinter(default, QPrinter.PrinterMode.HighResolution)
        info = QPrinterInfo.printerInfo(name)
        if info.isNull():
            names = ", ".join(p.printerName() for p in QPrinterInfo.availablePrinters()) or "none"
            raise ExternalRejected(
                f"unknown printer {name!r} (printers here: {names})", code="unknown-printer"
            )
        return QPrinter(info, QPrinter.PrinterMode.HighResolution)

    def _dialog_printer(self) -> QPrinter:
        """The default printer, or any printer: in the dialog staff choose without a default."""
        _application()
        default = QPrinterInfo.defaultPrinter()
        if not default.isNull():
            return QPrinter(default, QPrinter.PrinterMode.HighResolution)
        available = QPrinterInfo.availablePrinters()
        if not available:
            raise ExternalRejected(
                "no printer: this computer has no printer installed", code="no-printer"
            )
        return QPrinter(available[0], QPrinter.PrinterMode.HighResolution)

    def _paint(self, pdf: bytes, qprinter: QPrinter) -> None:
        document = QPdfDocument()
        buffer = QBuffer()
        buffer.setData(QByteArray(pdf))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        document.load(buffer)
        if document.status() != QPdfDocument.Status.Ready or document.pageCount() == 0:
            raise ExternalRejected("the document to print is not a readable PDF", code="bad-pdf")
        painter = QPainter()
        if not painter.begin(qprinter):
            raise ExternalUnavailable(
                f"printer {qprinter.printerName()} cannot start a job", code="printer-stopped"
            )
        try:
            for page in range(document.pageCount()):
                if page:
                    qprinter.newPage()
                points = document.pagePointSize(page)
                size = QSize(
                    round(points.width() * RENDER_DPI / 72),
                    round(points.height() * RENDER_DPI / 72),
                )
                painter.drawImage(painter.viewport(), document.render(page, size))
        finally:
            painter.end()


def _application() -> QGuiApplication:
    """Printing needs a Qt application; the CLI has none, so it gets a window-less one."""
    existing = QGuiApplication.instance()
    if isinstance(existing, QGuiApplication):
        return existing
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # no screen: print all the same
    return QGuiApplication(sys.argv[:1])
