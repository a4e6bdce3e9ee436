"""What every kiosk PDF shares: fonts, paper, styles, and "page X of N" footers."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from kiosk.domain.seller import Seller

REGULAR = "KioskSans"
BOLD = "KioskSans-Bold"
PAPER = {"Letter": LETTER, "A4": A4}
MARGIN = 15 * mm
INK = colors.HexColor("#1F2933")
ACCENT = colors.HexColor("#0B5394")
RULE = colors.HexColor("#C9D3DD")
# Solid, not translucent: transparency makes CUPS rasterise the whole page (a 300 dpi image
# instead of text). This is the tint the old 25% red over white gave.
STAMP = colors.HexColor("#F0C8C8")


def register_fonts(folder: Path) -> None:
    """Embed DejaVu Sans (every Latin script and far beyond) once per process."""
    if REGULAR in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont(REGULAR, str(folder / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(folder / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(
        REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD
    )


def style(name: str, *, size: float = 8.5, bold: bool = False, **extra: Any) -> ParagraphStyle:
    options: dict[str, Any] = {"textColor": INK, **extra}
    return ParagraphStyle(
        name, fontName=BOLD if bold else REGULAR, fontSize=size, leading=size * 1.25, **options
    )


class NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab has no type hints
    """Holds pages back until the end so each footer can say "page X of N"."""

    page_label = "{page} / {pages}"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._saved_pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 (reportlab's name)
        self._saved_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._saved_pages)
        for number, state in enumerate(self._saved_pages, start=1):
            self.__dict__.update(state)
            width, _height = self._pagesize
            self.setFont(REGULAR, 7.5)
            self.setFillColor(INK)
            self.drawRightString(
                width - MARGIN, MARGIN / 2, self.page_label.format(page=number, pages=total)
            )
            super().showPage()
        super().save()


def numbered_canvas(label: str) -> type[NumberedCanvas]:
    """A canvas class whose footer uses this label ("Página {page} de {pages}")."""
    return type("LabelledCanvas", (NumberedCanvas,), {"page_label": label})


def stamp_beneath(text: str) -> Any:
    """A page callback drawing a PAID / CANCELLED / OVERDUE stamp before the page's content,
    so the text printed over it stays readable without any transparency."""

    def draw(canvas: Canvas, _document: Any) -> None:
        if not text:
            return
        width, height = canvas._pagesize
        canvas.saveState()
        canvas.translate(width * 0.6, height * 0.6)
        canvas.rotate(28)
        canvas.setFont(BOLD, 46)
        canvas.setFillColor(STAMP)
        canvas.drawCentredString(0, 0, text)
        canvas.restoreState()

    return draw


def document_template(buffer: Any, paper: tuple[float, float], *, title: str, author: str) -> Any:
    """A page template with the kiosk's margins, in reportlab's invariant (repeatable) mode."""
    from reportlab.platypus import SimpleDocTemplate

    return SimpleDocTemplate(
        buffer, pagesize=paper, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
        bottomMargin=MARGIN * 1.3, title=title, author=author, invariant=1,
    )  # fmt: skip


def header(
    seller: Seller, tax_label: str, title: Any, width: float, *, details: Sequence[Any] = ()
) -> Any:
    """The seller's block (logo, name, tax ID, any details, address, contact) beside a document
    title."""
    from xml.sax.saxutils import escape

    from reportlab.platypus import Image, Paragraph, Table, TableStyle

    body = style("body")
    lines: list[Any] = [
        Paragraph(f"<b>{escape(seller.name)}</b>", style("seller", size=11, bold=True)),
        Paragraph(f"{tax_label}: {escape(seller.tax_id)}" if seller.tax_id else "", body),
        *details,
        Paragraph(escape(seller.address), body),
        Paragraph(escape(" · ".join(p for p in (seller.phone, seller.email) if p)), body),
    ]
    if seller.logo is not None and seller.logo.is_file():
        lines.insert(0, Image(str(seller.logo), width=30 * mm, height=12 * mm, kind="proportional"))
    table = Table([[lines, title]], colWidths=[width * 0.62, width * 0.38])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table
