"""Drawing a QR symbol as vector squares, never smaller than a scanner can read on paper."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from kiosk.domain.qr_code import QrCode

MIN_MODULE: float = 0.5 * mm  # below half a millimetre, phone cameras misread printed codes


def qr_side(qr: QrCode, wanted: float) -> float:
    """The printed side for a wanted size, grown so each module is at least MIN_MODULE."""
    count = len(qr.modules)
    return float(max(wanted, count * MIN_MODULE))


def draw_qr(canvas: Canvas, qr: QrCode, x: float, y: float, side: float) -> None:
    """Draw with its quiet zone at (x, y) bottom-left; raise if modules would be too small."""
    count = len(qr.modules)
    module = side / count
    if module < MIN_MODULE:
        raise ValueError(f"QR modules of {module / mm:.2f} mm would not scan; use qr_side()")
    canvas.saveState()
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(x, y, side, side, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    for row_index, row in enumerate(qr.modules):
        top = y + side - (row_index + 1) * module
        column = 0
        while column < count:
            if row[column]:
                start = column
                while column < count and row[column]:
                    column += 1
                canvas.rect(
                    x + start * module, top, (column - start) * module, module, stroke=0, fill=1
                )
            else:
                column += 1
    canvas.restoreState()
