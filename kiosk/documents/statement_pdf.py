"""The statement of account PDF: balances, each movement by currency, the ageing; in es or en."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

from kiosk.documents import pdf_layout as layout
from kiosk.documents.invoice_pdf import (
    BODY,
    HEADING,
    LINES_STYLE,
    RIGHT,
    SMALL,
    TITLE_RIGHT,
)
from kiosk.domain.ageing import AgeingBucket
from kiosk.domain.display_formats import format_date, format_money
from kiosk.domain.money import Money
from kiosk.domain.seller import Seller
from kiosk.domain.statement import CurrencySection, EntryKind, Statement, StatementEntry
from kiosk.language.catalogue import Texts

MEMO = colors.HexColor("#5F6B7A")
WARNING = layout.style("warning", size=9, bold=True, textColor=colors.HexColor("#9C2A00"))
COLUMNS = ("date", "document", "number", "reference", "due", "charge", "credit", "balance")
FRACTIONS = (0.1, 0.13, 0.1, 0.21, 0.1, 0.12, 0.12, 0.12)
HEADER = layout.style("statement-header", size=7.5, bold=True, textColor=colors.white, alignment=2)
HEADER_LEFT = layout.style("statement-header-left", size=7.5, bold=True, textColor=colors.white)
SHORT_REFERENCE = 28  # characters a reference takes unwrapped in its column


class StatementPdf:
    """Renders statements of account; the same statement always gives the same bytes."""

    def __init__(self, seller: Seller, *, paper: str, fonts: Path) -> None:
        layout.register_fonts(fonts)
        self._seller = seller
        self._paper = layout.PAPER[paper]

    def render(self, statement: Statement, *, language: str) -> bytes:
        words = Texts(language)
        buffer = io.BytesIO()
        document = layout.document_template(
            buffer,
            self._paper,
            title=f"{words['statement_title']} {statement.customer_code}",
            author=self._seller.name,
        )
        width = self._paper[0] - 2 * layout.MARGIN
        story: list[Any] = [
            self._header(statement, words, width),
            Spacer(1, 4 * mm),
            self._parties(statement, words, width),
            Spacer(1, 4 * mm),
        ]
        if not statement.history_complete:
            story += [Paragraph(escape(words["statement_incomplete"]), WARNING), Spacer(1, 2 * mm)]
        if not statement.sections:
            story.append(Paragraph(escape(words["statement_nothing"]), BODY))
        for section in statement.sections:
            story += [
                Paragraph(
                    escape(words.format("statement_movements", currency=section.currency)),
                    HEADING,
                ),
                _movements(section, words, width),
                Spacer(1, 2 * mm),
            ]
        if any(e.kind is EntryKind.DISPUTE for s in statement.sections for e in s.entries):
            story.append(Paragraph(escape(words["statement_memo_note"]), SMALL))
        if statement.sections:
            story.append(_ageing(statement, words, width))
        document.build(story, canvasmaker=layout.numbered_canvas(words["document_page"]))
        return buffer.getvalue()

    def _header(self, statement: Statement, words: Texts, width: float) -> Any:
        language = words.language
        period = words.format(
            "statement_period",
            start=format_date(statement.period.start, language),
            end=format_date(statement.period.end, language),
        )
        issued = words.format(
            "statement_generated", day=format_date(statement.generated_on, language)
        )
        title = [
            Paragraph(escape(words["statement_title"]), TITLE_RIGHT),
            Paragraph(f"<b>{escape(period)}</b>", RIGHT),
            Paragraph(escape(issued), RIGHT),
        ]
        return layout.header(self._seller, words["document_tax_id"], title, width)

    def _parties(self, statement: Statement, words: Texts, width: float) -> Table:
        lines = [
            Paragraph(words["document_customer"], HEADING),
            Paragraph(f"<b>{escape(statement.customer_name)}</b>", BODY),
            Paragraph(f"{words['document_code']}: {escape(statement.customer_code)}", BODY),
        ]
        if statement.customer_tax_id:
            lines.append(
                Paragraph(f"{words['document_tax_id']}: {escape(statement.customer_tax_id)}", BODY)
            )
        lines += [Paragraph(escape(line), BODY) for line in statement.address.lines()]
        table = Table(
            [[lines, _summary(statement, words, width * 0.5)]],
            colWidths=[width * 0.48, width * 0.52],
        )
        table.setStyle(
            TableStyle(
                [("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOX", (0, 0), (0, 0), 0.5, layout.RULE)]
            )
        )
        return table


def _summary(statement: Statement, words: Texts, width: float) -> Table:
    """A column per currency: opening, charges, credits, closing and what is disputed."""
    sections = statement.sections
    rows: list[list[Any]] = [["", *(section.currency for section in sections)]]
    for key in ("opening", "charges", "credits", "closing", "disputed"):
        rows.append(
            [
                words[f"statement_{key}"],
                *(_money(_figure(section, key), section.currency) for section in sections),
            ]
        )
    label = 0.4 if sections else 1.0
    figures = [width * (1 - label) / len(sections)] * len(sections) if sections else []
    table = Table(rows, colWidths=[width * label, *figures])
    table.setStyle(
        TableStyle(
            [
                *LINES_STYLE,
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("FONTNAME", (0, 4), (-1, 4), layout.BOLD),
                ("LINEABOVE", (0, 4), (-1, 4), 0.75, layout.ACCENT),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, layout.RULE),
            ]
        )
    )
    title = Paragraph(words["statement_summary"], HEADING)
    return Table(
        [[title], [table]], colWidths=[width], style=[("LEFTPADDING", (0, 0), (-1, -1), 0)]
    )


def _figure(section: CurrencySection, key: str) -> Decimal:
    figures = {
        "opening": section.opening,
        "charges": section.charges,
        "credits": section.credits,
        "closing": section.closing,
        "disputed": section.disputed,
    }
    return figures[key]


def _movements(section: CurrencySection, words: Texts, width: float) -> Table:
    """Opening balance, one row per entry, closing balance; flows over pages, header repeated."""
    currency, language = section.currency, words.language
    kinds = {kind: words[f"statement_kind_{kind.value}"] for kind in EntryKind}
    rows: list[list[Any]] = [[words[f"statement_column_{key}"] for key in COLUMNS]]
    rows.append(
        ["", words["statement_opening"], "", "", "", "", "", _money(section.opening, currency)]
    )
    memo_rows = []
    for entry in section.entries:
        if entry.kind is EntryKind.DISPUTE:
            memo_rows.append(len(rows))
        rows.append(_row(entry, kinds, currency, language, words))
    if not section.entries:
        rows.append(["", words["statement_no_activity"], "", "", "", "", "", ""])
    rows.append(
        [
            "", words["statement_closing"], "", "", "",
            _money(section.charges, currency), _money(section.credits, currency),
            _money(section.closing, currency),
        ]
    )  # fmt: skip
    table = Table(rows, colWidths=[width * f for f in FRACTIONS], repeatRows=1)
    style: list[tuple[Any, ...]] = [
        *LINES_STYLE,
        ("ALIGN", (5, 0), (-1, -1), "RIGHT"),
        # Tighter rows than an invoice's: a long statement prints on fewer pages.
        ("TOPPADDING", (0, 1), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 1), (-1, -1), 2),
        ("LINEBELOW", (0, 1), (-1, -2), 0.25, layout.RULE),
        ("FONTNAME", (0, 1), (-1, 1), layout.BOLD),
        ("FONTNAME", (0, -1), (-1, -1), layout.BOLD),
        ("LINEABOVE", (0, -1), (-1, -1), 1, layout.ACCENT),
        ("TEXTCOLOR", (0, -1), (-1, -1), layout.ACCENT),
    ]
    style += [("TEXTCOLOR", (0, row), (-1, row), MEMO) for row in memo_rows]
    table.setStyle(TableStyle(style))
    return table


def _row(
    entry: StatementEntry, kinds: dict[EntryKind, str], currency: str, language: str, words: Texts
) -> list[Any]:
    memo = entry.kind is EntryKind.DISPUTE
    if memo:
        reference = words.format(
            "statement_dispute_memo",
            amount=format_money(Money(entry.disputed, currency)),
            invoice=entry.reference or "",
        )
    else:
        reference = entry.reference or ""
    return [
        format_date(entry.day, language),
        kinds[entry.kind],
        entry.number,
        # Only a long reference pays for a Paragraph (it wraps); long statements stay fast.
        Paragraph(escape(reference), SMALL) if len(reference) > SHORT_REFERENCE else reference,
        format_date(entry.due_date, language) if entry.due_date else "",
        _money(entry.charge, currency) if entry.charge else "",
        _money(entry.credit, currency) if entry.credit else "",
        "" if memo else _money(entry.balance, currency),
    ]


def _ageing(statement: Statement, words: Texts, width: float) -> Any:
    """What is open by days past due, one row per currency, with what disputes hold."""
    heading = words.format(
        "statement_ageing_on", day=format_date(statement.ageing_on, words.language)
    )
    headings = [
        words["statement_currency"],
        *(words[f"statement_bucket_{bucket.value}"] for bucket in AgeingBucket),
        words["statement_unapplied"],
        words["statement_open_total"],
        words["statement_disputed"],
    ]
    # Paragraphs, so a long heading wraps inside its column ("Más de 90 días").
    rows: list[list[Any]] = [
        [
            Paragraph(escape(text), HEADER_LEFT if n == 0 else HEADER)
            for n, text in enumerate(headings)
        ]
    ]
    for section in statement.sections:
        rows.append(
            [
                section.currency,
                *(_money(section.ageing[bucket], section.currency) for bucket in AgeingBucket),
                _money(-section.unapplied if section.unapplied else Decimal(0), section.currency),
                _money(section.to_pay, section.currency),
                _money(section.disputed, section.currency),
            ]
        )
    fractions = (0.09, 0.115, 0.11, 0.11, 0.11, 0.11, 0.115, 0.125, 0.115)
    table = Table(rows, colWidths=[width * f for f in fractions])
    table.setStyle(
        TableStyle(
            [
                *LINES_STYLE,
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("FONTNAME", (-2, 1), (-2, -1), layout.BOLD),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, layout.RULE),
            ]
        )
    )
    return KeepTogether(
        [
            Paragraph(escape(heading), HEADING),
            table,
            Spacer(1, 1.5 * mm),
            Paragraph(escape(words["statement_ageing_note"]), SMALL),
        ]
    )


def _money(amount: Decimal, currency: str) -> str:
    return format_money(Money(amount, currency))
