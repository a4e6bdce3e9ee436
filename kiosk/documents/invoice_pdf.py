"""The invoice PDF: everything a legal invoice shows, with the payment QR, in es or en."""

from __future__ import annotations

import io
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from kiosk.documents.pdf_layout import (
    ACCENT,
    BOLD,
    MARGIN,
    PAPER,
    REGULAR,
    RULE,
    document_template,
    header,
    numbered_canvas,
    register_fonts,
    stamp_beneath,
    style,
)
from kiosk.documents.qr_drawing import draw_qr, qr_side
from kiosk.domain.customer import Customer
from kiosk.domain.display_formats import format_date, format_money, format_number
from kiosk.domain.invoice import Invoice, InvoiceStatus
from kiosk.domain.money import Money
from kiosk.domain.payment_terms import PaymentTerms
from kiosk.domain.qr_code import QrCode
from kiosk.domain.seller import Seller
from kiosk.language.catalogue import Texts

QR_SIDE = 32 * mm
KIOSK_QR_SIDE = 16 * mm
BODY = style("body")
SMALL = style("small", size=7.5)
BOLD_BODY = style("bold", bold=True)
HEADING = style("heading", size=9.5, bold=True, textColor=ACCENT, spaceBefore=6, spaceAfter=3)
RIGHT = style("right", alignment=2)
SMALL_RIGHT = style("small-right", size=7, alignment=2)
TITLE_RIGHT = style("title-right", size=16, bold=True, textColor=ACCENT, alignment=2)
LINK = style("link", size=7.5, wordWrap="CJK")
STAMPED = {InvoiceStatus.PAID, InvoiceStatus.CANCELLED, InvoiceStatus.OVERDUE}
"""The states an invoice's first page says across it (its text: document_stamp_<state>)."""
LINES_STYLE: list[tuple[Any, ...]] = [
    ("BACKGROUND", (0, 0), (-1, 0), ACCENT),
    ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
    ("FONTNAME", (0, 0), (-1, 0), BOLD),
    ("FONTNAME", (0, 1), (-1, -1), REGULAR),
    ("FONTSIZE", (0, 0), (-1, -1), 7.5),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
]
"""The look of a table of invoice lines: a coloured header row over small type."""


class QrFlowable(Flowable):  # type: ignore[misc]  # reportlab has no type hints
    """A QR symbol in the flow of a document, sized so every module prints >= 0.5 mm."""

    def __init__(self, qr: QrCode, wanted_side: float = QR_SIDE) -> None:
        super().__init__()
        self.qr = qr
        self.side = qr_side(qr, wanted_side)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.side, self.side

    def draw(self) -> None:
        draw_qr(self.canv, self.qr, 0, 0, self.side)


class InvoicePdf:
    """Renders invoices; the same input always gives the same bytes."""

    def __init__(self, seller: Seller, terms: PaymentTerms, *, paper: str, fonts: Path) -> None:
        register_fonts(fonts)
        self._seller = seller
        self._terms = terms
        self._paper = PAPER[paper]

    def render(
        self,
        invoice: Invoice,
        customer: Customer | None,
        *,
        language: str,
        today: date,
        qr: QrCode | None = None,
        payment_reference: str | None = None,
        kiosk_qr: QrCode | None = None,
    ) -> bytes:
        """The PDF of one invoice as the customer should see it on `today`."""
        words = Texts(language)
        buffer = io.BytesIO()
        document = document_template(
            buffer,
            self._paper,
            title=f"{words['document_invoice']} {invoice.doc_num}",
            author=self._seller.name,
        )
        width = self._paper[0] - 2 * MARGIN
        story: list[Any] = [
            self._header(invoice, words, width, kiosk_qr),
            Spacer(1, 4 * mm),
            self._parties(invoice, customer, words, width),
            Spacer(1, 4 * mm),
            self._lines(invoice, words, width),
            Spacer(1, 3 * mm),
            # Totals and how to pay stay together, so the last page always carries both.
            KeepTogether(
                [
                    self._taxes_and_totals(invoice, words, width),
                    Spacer(1, 3 * mm),
                    *payment_block(
                        self._terms, invoice, words, width, today, qr, payment_reference
                    ),
                ]
            ),
        ]
        if invoice.comments:
            story += [
                Paragraph(words["document_comments"], HEADING),
                Paragraph(escape(invoice.comments), BODY),
            ]
        document.build(
            story,
            onFirstPage=stamp_beneath(status_stamp(invoice, today, words)),
            canvasmaker=numbered_canvas(words["document_page"]),
        )
        return buffer.getvalue()

    # --- blocks ----------------------------------------------------------------------------

    def _header(
        self, invoice: Invoice, words: Texts, width: float, kiosk_qr: QrCode | None
    ) -> Table:
        title: list[Any] = [
            Paragraph(words["document_invoice"], TITLE_RIGHT),
            Paragraph(f"{words['document_number']} <b>{invoice.doc_num}</b>", RIGHT),
        ]
        return header(
            self._seller,
            words["document_tax_id"],
            with_kiosk_code(title, words, width, kiosk_qr),
            width,
        )

    def _parties(
        self, invoice: Invoice, customer: Customer | None, words: Texts, width: float
    ) -> Table:
        lines = [
            Paragraph(words["document_customer"], HEADING),
            Paragraph(f"<b>{escape(invoice.customer_name)}</b>", BODY),
            Paragraph(f"{words['document_code']}: {escape(invoice.customer_code)}", BODY),
        ]
        tax_id = invoice.customer_tax_id or (customer.tax_id if customer else None)
        if tax_id:
            lines.append(Paragraph(f"{words['document_tax_id']}: {escape(tax_id)}", BODY))
        if customer is not None:
            lines += [Paragraph(escape(line), BODY) for line in customer.address.lines()]
        facts = [
            ("issue_date", format_date(invoice.document_date, words.language)),
            ("posting_date", format_date(invoice.posting_date, words.language)),
            ("due_date", format_date(invoice.due_date, words.language)),
            ("customer_reference", invoice.customer_reference or "-"),
            ("currency", invoice.currency),
        ]
        fact_rows = [
            [Paragraph(words[f"document_{key}"], BOLD_BODY), Paragraph(escape(value), BODY)]
            for key, value in facts
        ]
        facts_table = Table(fact_rows, colWidths=[width * 0.2, width * 0.2])
        facts_table.setStyle(
            TableStyle(
                [("BOTTOMPADDING", (0, 0), (-1, -1), 1), ("TOPPADDING", (0, 0), (-1, -1), 1)]
            )
        )
        table = Table([[lines, facts_table]], colWidths=[width * 0.58, width * 0.42])
        table.setStyle(
            TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOX", (0, 0), (0, 0), 0.5, RULE)])
        )
        return table

    def _lines(self, invoice: Invoice, words: Texts, width: float) -> Table:
        header = [
            words[f"document_{key}"]
            for key in ("item", "description", "quantity", "unit_price", "discount", "line_total")
        ]
        currency = invoice.currency
        # Only the description wraps, so only it pays for a Paragraph; long invoices stay fast.
        rows: list[list[Any]] = [header]
        rows += [
            [
                line.item_code or "",
                Paragraph(escape(line.description), SMALL),
                format_number(line.quantity),
                format_money(Money(line.unit_price, currency)),
                format_number(line.discount_percent),
                format_money(Money(line.line_total, currency)),
            ]
            for line in invoice.lines
        ]
        fractions = (0.11, 0.38, 0.08, 0.14, 0.11, 0.18)
        table = Table(rows, colWidths=[width * f for f in fractions], repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    *LINES_STYLE,
                    ("ALIGN", (2, 0), (-1, -1), "RIGHT"),
                    ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
                ]
            )
        )
        return table

    def _taxes_and_totals(self, invoice: Invoice, words: Texts, width: float) -> Table:
        by_rate: dict[tuple[str, Decimal], list[Decimal]] = defaultdict(
            lambda: [Decimal(0), Decimal(0)]
        )
        for line in invoice.lines:
            bucket = by_rate[(line.tax_code or "-", line.tax_percent)]
            bucket[0] += line.line_total
            bucket[1] += line.tax_amount
        currency = invoice.currency
        tax_rows: list[list[Any]] = [
            [
                Paragraph(words[f"document_{key}"], BOLD_BODY)
                for key in ("tax_code", "rate", "base", "tax")
            ]
        ]
        for (code, rate), (base, tax) in sorted(by_rate.items()):
            tax_rows.append(
                [
                    escape(code),
                    f"{format_number(rate)} %",
                    format_money(Money(base, currency)),
                    format_money(Money(tax, currency)),
                ]
            )
        taxes = Table(tax_rows, colWidths=[width * 0.12, width * 0.1, width * 0.15, width * 0.13])
        taxes.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 1), (-1, -1), REGULAR),
                    ("FONTSIZE", (0, 1), (-1, -1), 8),
                    ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                    ("LINEBELOW", (0, 0), (-1, 0), 0.5, RULE),
                ]
            )
        )
        totals_data = [
            ("net", invoice.net_total),
            ("tax", invoice.tax_total),
            ("total", invoice.total),
            ("paid", invoice.paid_to_date),
            ("amount_due", invoice.amount_due),
        ]
        totals = Table(
            [[words[f"document_{key}"], format_money(money)] for key, money in totals_data],
            colWidths=[width * 0.22, width * 0.2],
        )
        totals.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), REGULAR),
                    ("FONTSIZE", (0, 0), (-1, -1), 9),
                    ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                    ("FONTNAME", (0, -1), (-1, -1), BOLD),
                    ("FONTSIZE", (0, -1), (-1, -1), 11),
                    ("TEXTCOLOR", (0, -1), (-1, -1), ACCENT),
                    ("LINEABOVE", (0, -1), (-1, -1), 1, ACCENT),
                ]
            )
        )
        block = Table(
            [[[Paragraph(words["document_tax_summary"], HEADING), taxes], totals]],
            colWidths=[width * 0.55, width * 0.45],
        )
        block.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
        return block


def with_kiosk_code(
    title: list[Any], words: Texts, width: float, kiosk_qr: QrCode | None
) -> list[Any]:
    """A header's title lines, and beneath them the kiosk code with its caption if there is one."""
    if kiosk_qr is None:
        return title
    code = QrFlowable(kiosk_qr, KIOSK_QR_SIDE)
    caption = Paragraph(words["document_kiosk_code"], SMALL_RIGHT)
    beside = Table([[caption, code]], colWidths=[width * 0.38 - code.side, code.side])
    beside.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("RIGHTPADDING", (1, 0), (1, 0), 0)])
    )
    return [*title, beside]


def status_stamp(invoice: Invoice, today: date, words: Texts) -> str:
    """The word stamped across the first page (PAID, CANCELLED, OVERDUE), or none."""
    status = invoice.status_on(today)
    return words[f"document_stamp_{status.value}"] if status in STAMPED else ""


def payment_block(
    terms: PaymentTerms,
    invoice: Invoice,
    words: Texts,
    width: float,
    today: date,
    qr: QrCode | None,
    reference: str | None,
    *,
    qr_wanted: float = QR_SIDE,
) -> list[Any]:
    """How to pay: accepted methods, any early-payment offer, and the payment QR beside them
    (`qr_wanted` wide, or wider if its modules need it)."""
    texts: list[Any] = [Paragraph(words["document_payment"], HEADING)]
    if terms.accepted_methods:
        texts += [
            Paragraph(
                f"<b>{words['document_methods']}:</b> {escape(terms.accepted_methods)}",
                BODY,
            )
        ]
    offer = terms.early_payment_offer(invoice, today)
    if offer is not None:
        text = words["document_early_text"].format(
            amount=format_money(offer.amount),
            percent=format_number(offer.percent),
            until=format_date(offer.until, words.language),
        )
        texts.append(Paragraph(f"<b>{words['document_early']}:</b> {escape(text)}", BODY))
    if qr is not None and reference:
        texts += [
            Paragraph(f"<b>{words['document_reference']}:</b> {escape(reference)}", BODY),
            Paragraph(f"<b>{words['document_link']}:</b> {escape(qr.payload)}", LINK),
        ]
    if qr is None:
        return texts
    side = qr_side(qr, qr_wanted)
    table = Table(
        [[texts, QrFlowable(qr, qr_wanted)]], colWidths=[width - side - 6 * mm, side + 6 * mm]
    )
    table.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (1, 0), (1, 0), "RIGHT")])
    )
    return [table]
