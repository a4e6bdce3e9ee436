"""The printed representation (representación impresa) of a stamped CFDI 4.0 invoice, es or en."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

from kiosk.documents.invoice_pdf import (
    BODY,
    LINES_STYLE,
    TITLE_RIGHT,
    QrFlowable,
    payment_block,
    status_stamp,
    with_kiosk_code,
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
from kiosk.documents.qr_drawing import qr_side
from kiosk.documents.sat_catalogues import (
    CFDI_USES,
    EXPORTS,
    PAYMENT_FORMS,
    PAYMENT_METHODS,
    TAX_REGIMES,
    TAXES,
    UNITS,
    VOUCHER_TYPES,
    described,
)
from kiosk.domain.amount_in_words import amount_in_words
from kiosk.domain.cfdi import Cfdi, CfdiConcept, CfdiTax, ReceivedPayment, RelatedPayment
from kiosk.domain.customer import Customer
from kiosk.domain.display_formats import format_date, format_money, format_number
from kiosk.domain.invoice import Invoice
from kiosk.domain.money import Money
from kiosk.domain.payment_terms import PaymentTerms
from kiosk.domain.qr_code import QrCode
from kiosk.domain.seller import Seller
from kiosk.language.catalogue import Texts

# The SAT's legal texts stay in Spanish in every language, so they are fixed here rather than
# in the catalogue, where a translation could change them.
LEGEND = "Este documento es una representación impresa de un CFDI"
ISSUER_SEAL = "Sello digital del CFDI"
SAT_SEAL = "Sello del SAT"
ORIGINAL_CHAIN = "Cadena original del complemento de certificación digital del SAT"

CELL = style("cfdi-cell", size=7)
LABEL = style("cfdi-label", size=7, bold=True)
HEAD = style("cfdi-head", size=6.5, bold=True, textColor=colors.white)
SMALL_HEAD = style("cfdi-small-head", size=6.5, bold=True)
TAX_LINE = style("cfdi-tax-line", size=6, textColor=colors.HexColor("#52606D"))
SECTION = style("cfdi-section", size=8.5, bold=True, textColor=ACCENT, spaceBefore=2, spaceAfter=1)
SUBTITLE_RIGHT = style("cfdi-subtitle-right", size=9, alignment=2)
COMPLEMENT_RIGHT = style("cfdi-complement-right", size=8, alignment=2)
IN_WORDS = style("cfdi-in-words", size=7.5)
# Set a little tighter than the other small type; seal_lines breaks the seals themselves.
SEAL = ParagraphStyle("cfdi-seal", parent=style("cfdi-seal-base", size=5.5), leading=6.4)
LEGEND_STYLE = style("cfdi-legend", size=7, bold=True, textColor=ACCENT)
LEFT_SHARE = 0.6
"""Of the width, what the taxes and how to pay take beside the totals."""
PADDING = 3  # each side of a cell in the CFDI's tables
CELL_PADDING = 6  # reportlab's default left plus right padding of a table cell
SAT_QR_SIDE = 28 * mm  # the SAT asks for at least 2.75 cm
QR_GAP = 2.5 * mm  # between the seals and the SAT's QR: a 2048-bit seal then takes three lines
PAYMENT_QR_SIDE = SAT_QR_SIDE  # both codes the same size, a little under the generic PDF's
GRID_COLUMNS = (0.18, 0.33, 0.18, 0.31)
"""Label, value, label, value: the fiscal facts and the receiver line up in the same columns."""
CONCEPT_COLUMNS = (0.088, 0.107, 0.076, 0.115, 0.262, 0.1, 0.087, 0.105, 0.06)
"""Each as wide as its longest heading word and usual values; the description takes the rest."""
RELATED_COLUMNS = (0.31, 0.095, 0.16, 0.09, 0.115, 0.115, 0.115)
"""A folio fiscal and a FechaPago on one line; amounts up to $9,999,999.99."""
TAX_COLUMNS = (0.152, 0.134, 0.155, 0.182, 0.1885, 0.1885)
"""Measured: no heading wraps in either language; US$10,000.00 and $1,234,567.50 fit."""
TIGHT = [
    ("TOPPADDING", (0, 0), (-1, -1), 1.2),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 1.2),
    ("LEFTPADDING", (0, 0), (-1, -1), PADDING),
    ("RIGHTPADDING", (0, 0), (-1, -1), PADDING),
]


def type_of(look: ParagraphStyle, first: tuple[int, int], last: tuple[int, int]) -> list[Any]:
    """The table commands that set plain-string cells in a paragraph style's type.

    FONTSIZE alone would keep reportlab's 12 pt leading, and rows would grow by half."""
    return [
        ("FONTNAME", first, last, look.fontName),
        ("FONTSIZE", first, last, look.fontSize),
        ("LEADING", first, last, look.leading),
        ("TEXTCOLOR", first, last, look.textColor),
    ]


Fact = tuple[str, str]
"""A label and its value, as a fact grid shows them."""
PaidInstalment = tuple[Cfdi, ReceivedPayment, RelatedPayment]
"""A payment receipt, one of its payments and the part of it that paid this invoice."""


class CfdiInvoicePdf:
    """Renders the printed representation of stamped invoices; same input, same bytes."""

    def __init__(self, seller: Seller, terms: PaymentTerms, *, paper: str, fonts: Path) -> None:
        register_fonts(fonts)
        self._seller = seller
        self._terms = terms
        self._paper = PAPER[paper]

    def render(
        self,
        invoice: Invoice,
        cfdi: Cfdi,
        customer: Customer | None,
        *,
        language: str,
        today: date,
        sat_qr: QrCode,
        qr: QrCode | None = None,
        payment_reference: str | None = None,
        kiosk_qr: QrCode | None = None,
        complements: tuple[Cfdi, ...] = (),
    ) -> bytes:
        """The PDF of one stamped invoice as the customer should see it on `today`: every
        amount and the receiver's data from the CFDI (not from SAP's `customer` card), what is
        left to pay and how from SAP."""
        words = Texts(language)
        title = voucher_title(cfdi, words)
        buffer = io.BytesIO()
        document = document_template(
            buffer,
            self._paper,
            title=f"{title} {series_folio(cfdi)}",
            author=cfdi.issuer.name,
        )
        width = self._paper[0] - 2 * MARGIN
        story: list[Any] = [
            fiscal_header(
                self._seller, cfdi, words, width, title, kiosk_qr, sap_number=invoice.doc_num
            ),
            Spacer(1, 1 * mm),
            fiscal_data(cfdi, words, width, self._terms_facts(invoice, cfdi, words)),
            Spacer(1, 1.5 * mm),
            concepts_table(cfdi.concepts, cfdi.currency, words, width),
        ]
        how_to_pay: list[Any] = []
        if invoice.amount_due.is_positive():
            how_to_pay = payment_block(
                self._terms, invoice, words, LEFT_SHARE * width - CELL_PADDING, today, qr,
                payment_reference, qr_wanted=PAYMENT_QR_SIDE,
            )  # fmt: skip
        in_words = amount_in_words(cfdi.total, cfdi.currency)
        # Totals, how to pay and the amount in words stay together on the last page.
        story.append(
            KeepTogether(
                [
                    self._taxes_and_totals(invoice, cfdi, words, width, how_to_pay),
                    Paragraph(
                        f"<b>{words['cfdi_pdf_amount_in_words']}:</b> {escape(in_words)}",
                        IN_WORDS,
                    ),
                ]
            )
        )
        paid_by = complement_rows(cfdi, complements)
        if paid_by:
            story.append(
                KeepTogether(
                    [
                        Paragraph(words["cfdi_pdf_complements"], SECTION),
                        complements_table(paid_by, words, width),
                    ]
                )
            )
        story += [Spacer(1, 1 * mm), seals_block(cfdi, words, width, sat_qr)]
        document.build(
            story,
            onFirstPage=stamp_beneath(status_stamp(invoice, today, words)),
            canvasmaker=numbered_canvas(words["document_page"]),
        )
        return buffer.getvalue()

    def _terms_facts(self, invoice: Invoice, cfdi: Cfdi, words: Texts) -> list[Fact]:
        return [
            (words["document_currency"], cfdi.currency),
            (words["cfdi_pdf_exchange_rate"], _plain(cfdi.exchange_rate)),
            (words["cfdi_pdf_payment_form"], described(cfdi.payment_form, PAYMENT_FORMS)),
            (words["cfdi_pdf_payment_method"], described(cfdi.payment_method, PAYMENT_METHODS)),
            (words["document_due_date"], format_date(invoice.due_date, words.language)),
        ]

    def _taxes_and_totals(
        self, invoice: Invoice, cfdi: Cfdi, words: Texts, width: float, how_to_pay: list[Any]
    ) -> Table:
        """The taxes and how to pay on the left, the totals on the right."""
        currency = cfdi.currency
        lines: list[tuple[str, Decimal]] = [(words["document_net"], cfdi.subtotal)]
        if cfdi.discount is not None:
            lines.append((words["cfdi_pdf_discount"], cfdi.discount))
        if cfdi.total_transferred is not None:
            lines.append((words["cfdi_pdf_total_transferred"], cfdi.total_transferred))
        if cfdi.total_withheld is not None:
            lines.append((words["cfdi_pdf_total_withheld"], cfdi.total_withheld))
        lines.append((words["document_total"], cfdi.total))
        rows = [[label, money(amount, currency)] for label, amount in lines]
        total_row = len(rows) - 1
        # What SAP knows has been paid since: not in the CFDI, so set apart beneath its total.
        rows += [
            [words["document_paid"], format_money(invoice.paid_to_date)],
            [words["document_amount_due"], format_money(invoice.amount_due)],
        ]
        totals = Table(rows, colWidths=[width * 0.23, width * 0.17])
        totals.setStyle(
            TableStyle(
                [
                    *TIGHT,
                    ("FONTNAME", (0, 0), (-1, -1), REGULAR),
                    ("FONTSIZE", (0, 0), (-1, -1), 7.5),
                    ("LEADING", (0, 0), (-1, -1), 9.4),
                    ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                    ("FONTNAME", (0, total_row), (-1, total_row), BOLD),
                    ("FONTSIZE", (0, total_row), (-1, total_row), 10),
                    ("LEADING", (0, total_row), (-1, total_row), 12.5),
                    ("TEXTCOLOR", (0, total_row), (-1, total_row), ACCENT),
                    ("LINEABOVE", (0, total_row), (-1, total_row), 1, ACCENT),
                    ("TOPPADDING", (0, total_row + 1), (-1, total_row + 1), 4),
                ]
            )
        )
        left_width = LEFT_SHARE * width - CELL_PADDING
        left: list[Any] = [
            Paragraph(words["cfdi_pdf_taxes"], SECTION),
            taxes_table(cfdi.transferred, cfdi.withheld, currency, words, left_width),
            *how_to_pay,
        ]
        block = Table([[left, totals]], colWidths=[width * LEFT_SHARE, width * (1 - LEFT_SHARE)])
        block.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (0, 0), 0),
                    ("TOPPADDING", (1, 0), (1, 0), 5),
                ]
            )
        )
        return block


# --- pieces every CFDI's printed representation shares (the payment receipt's too) ------------


def series_folio(cfdi: Cfdi) -> str:
    return "-".join(part for part in (cfdi.series, cfdi.folio) if part) or "-"


def money(amount: Decimal, currency: str) -> str:
    return format_money(Money(amount, currency))


def voucher_title(cfdi: Cfdi, words: Texts) -> str:
    if cfdi.voucher_type == "I":
        return words["document_invoice"]
    if cfdi.voucher_type == "E":
        return words["cfdi_pdf_credit_note"]
    return words["cfdi_pdf_voucher"]


def fitted(text: str, width: float, look: ParagraphStyle = CELL) -> Any:
    """`text` broken at its spaces into lines `width` wide, for a table cell set in `look`'s
    type: a plain string, far quicker to lay out than a Paragraph, unless one word is too long
    for a line, which only a Paragraph can split."""
    lines = simpleSplit(text, look.fontName, look.fontSize, width)
    if all(stringWidth(line, look.fontName, look.fontSize) <= width for line in lines):
        return "\n".join(lines)
    return Paragraph(escape(text), look)


def fiscal_header(
    seller: Seller,
    cfdi: Cfdi,
    words: Texts,
    width: float,
    title: str,
    kiosk_qr: QrCode | None = None,
    *,
    complement: str = "",
    title_look: ParagraphStyle = TITLE_RIGHT,
    sap_number: int | None = None,
) -> Table:
    """The issuer as the CFDI names it (with the seller's logo, address and contact) beside the
    title, the invoice's number in SAP (what the kiosk finds it by), the CFDI's version (and
    complement) and its series and folio."""
    issuer = dataclasses.replace(seller, name=cfdi.issuer.name, tax_id=cfdi.issuer.rfc)
    regime = described(cfdi.issuer.tax_regime, TAX_REGIMES)
    identity = f"CFDI {escape(cfdi.version)}"
    if cfdi.series or cfdi.folio:
        identity += f" · {words['cfdi_pdf_series_folio']} <b>{escape(series_folio(cfdi))}</b>"
    title_lines: list[Any] = [
        Paragraph(escape(title), title_look),
        *([Paragraph(escape(complement), COMPLEMENT_RIGHT)] if complement else []),
        *(
            [Paragraph(f"{words['document_number']} <b>{sap_number}</b>", SUBTITLE_RIGHT)]
            if sap_number is not None
            else []
        ),
        Paragraph(identity, SUBTITLE_RIGHT),
    ]
    return header(
        issuer,
        words["document_tax_id"],
        with_kiosk_code(title_lines, words, width, kiosk_qr),
        width,
        details=[Paragraph(f"{words['cfdi_pdf_tax_regime']}: {escape(regime)}", BODY)],
    )


def fiscal_data(cfdi: Cfdi, words: Texts, width: float, beside: list[Fact]) -> Table:
    """The voucher's fiscal facts (folio fiscal, dates, place, type, certificates), then the
    receiver's with, beside them, the voucher's currency and payment terms."""
    stamp, receiver = cfdi.stamp, cfdi.receiver
    voucher = (
        [
            (words["cfdi_pdf_uuid"], stamp.uuid),
            (words["cfdi_pdf_issuer_certificate"], cfdi.certificate_number),
            (words["cfdi_pdf_sat_certificate"], stamp.sat_certificate),
            (words["cfdi_pdf_voucher_type"], described(cfdi.voucher_type, VOUCHER_TYPES)),
        ],
        [
            (words["cfdi_pdf_issued_at"], cfdi.issued_at.isoformat()),
            (words["cfdi_pdf_stamped_at"], stamp.stamped_at),
            (words["cfdi_pdf_place_of_issue"], cfdi.place_of_issue),
            (words["cfdi_pdf_export"], described(cfdi.export, EXPORTS)),
        ],
    )
    receiving = (
        [
            (words["cfdi_pdf_receiver"], receiver.name),
            (words["cfdi_pdf_receiver_rfc"], receiver.rfc),
            (words["cfdi_pdf_receiver_regime"], described(receiver.tax_regime, TAX_REGIMES)),
            (words["cfdi_pdf_receiver_postcode"], receiver.tax_postcode or "-"),
            (words["cfdi_pdf_cfdi_use"], described(receiver.cfdi_use, CFDI_USES)),
        ],
        beside,
    )
    return fact_grid([voucher, receiving], width)


def fact_grid(sections: list[tuple[list[Fact], list[Fact]]], width: float) -> Table:
    """Sections of label and value in two columns, in a box with a rule between sections; the
    values free to wrap."""
    widths = [width * fraction for fraction in GRID_COLUMNS]
    rows: list[list[Any]] = []
    starts: list[int] = []
    for left, right in sections:
        starts.append(len(rows))
        for index in range(max(len(left), len(right))):
            row: list[Any] = []
            for side, (label_width, value_width) in ((left, widths[:2]), (right, widths[2:])):
                label, value = side[index] if index < len(side) else ("", "")
                row += [
                    fitted(label, label_width - 2 * PADDING, LABEL),
                    fitted(value, value_width - 2 * PADDING),
                ]
            rows.append(row)
    table = Table(rows, colWidths=widths)
    table.setStyle(
        TableStyle(
            [
                *TIGHT,
                *type_of(CELL, (0, 0), (-1, -1)),
                ("FONTNAME", (0, 0), (0, -1), LABEL.fontName),
                ("FONTNAME", (2, 0), (2, -1), LABEL.fontName),
                ("TOPPADDING", (0, 0), (-1, -1), 0.8),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0.8),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BOX", (0, 0), (-1, -1), 0.5, RULE),
                ("LINEBEFORE", (2, 0), (2, -1), 0.5, RULE),
                *[("TOPPADDING", (0, row), (-1, row), 2.5) for row in starts],
                *[("LINEABOVE", (0, row), (-1, row), 0.5, RULE) for row in starts[1:]],
            ]
        )
    )
    return table


def headings(
    words: Texts, keys: Iterable[str], widths: list[float], look: ParagraphStyle
) -> list[Any]:
    """A table's heading row: each label broken at its spaces to fit its column."""
    return [
        fitted(words[key], width - 2 * PADDING, look)
        for key, width in zip(keys, widths, strict=True)
    ]


def tax_text(kind: str, tax: CfdiTax, currency: str, words: Texts) -> str:
    """One tax of a concept in a line: "Traslado 002 - IVA, Tasa 0.160000, Base $900.00,
    Importe $144.00"."""
    parts = [f"{kind} {described(tax.tax, TAXES)}"]
    if tax.factor_type:
        parts.append(
            f"{tax.factor_type} {_plain(tax.rate)}" if tax.rate is not None else tax.factor_type
        )
    if tax.base is not None:
        parts.append(f"{words['document_base']} {money(tax.base, currency)}")
    if tax.amount is not None:
        parts.append(f"{words['document_line_total']} {money(tax.amount, currency)}")
    return ", ".join(parts)


def concepts_table(
    concepts: Iterable[CfdiConcept], currency: str, words: Texts, width: float
) -> Table:
    """The concepts with their SAT keys, each followed by a small line with its own taxes."""
    widths = [width * fraction for fraction in CONCEPT_COLUMNS]
    keys = (
        "cfdi_pdf_product_key", "cfdi_pdf_identification", "cfdi_pdf_quantity", "cfdi_pdf_unit",
        "document_description", "cfdi_pdf_unit_value", "cfdi_pdf_discount",
        "document_line_total", "cfdi_pdf_tax_object",
    )  # fmt: skip
    rows: list[list[Any]] = [headings(words, keys, widths, HEAD)]
    group_ends: list[int] = []
    tax_rows: list[int] = []
    transferred, withheld = words["cfdi_pdf_transferred"], words["cfdi_pdf_withheld"]
    taxes_width = sum(widths[1:]) - 2 * PADDING
    for concept in concepts:
        unit = concept.unit or UNITS.get(concept.unit_key)
        rows.append(
            [
                concept.product_key,
                fitted(concept.identification or "", widths[1] - 2 * PADDING),
                format_number(concept.quantity),
                fitted(
                    f"{concept.unit_key} - {unit}" if unit else concept.unit_key,
                    widths[3] - 2 * PADDING,
                ),
                fitted(concept.description, widths[4] - 2 * PADDING),
                money(concept.unit_value, currency),
                money(concept.discount, currency) if concept.discount is not None else "",
                money(concept.amount, currency),
                concept.tax_object,
            ]
        )
        taxes = [tax_text(transferred, tax, currency, words) for tax in concept.transferred]
        taxes += [tax_text(withheld, tax, currency, words) for tax in concept.withheld]
        if taxes:
            rows.append(["", fitted("; ".join(taxes), taxes_width, TAX_LINE)] + [""] * 7)
            tax_rows.append(len(rows) - 1)
        group_ends.append(len(rows) - 1)
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                *LINES_STYLE,
                *TIGHT,
                *type_of(HEAD, (0, 0), (-1, 0)),
                *type_of(CELL, (0, 1), (-1, -1)),
                ("ALIGN", (2, 0), (2, -1), "RIGHT"),
                ("ALIGN", (5, 0), (7, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
                *[("SPAN", (1, row), (-1, row)) for row in tax_rows],
                *[("TOPPADDING", (0, row), (-1, row), 0) for row in tax_rows],
                *[
                    command
                    for row in tax_rows
                    for command in type_of(TAX_LINE, (0, row), (-1, row))
                ],
                *[("LINEBELOW", (0, row), (-1, row), 0.25, RULE) for row in group_ends],
            ]
        )
    )
    return table


def taxes_table(
    transferred: Iterable[CfdiTax],
    withheld: Iterable[CfdiTax],
    currency: str,
    words: Texts,
    width: float,
) -> Table:
    """The voucher's taxes by impuesto, factor and rate: carried ones first, then withheld."""
    widths = [width * fraction for fraction in TAX_COLUMNS]
    keys = (
        "cfdi_pdf_tax_kind", "cfdi_pdf_tax", "cfdi_pdf_factor_type", "cfdi_pdf_rate",
        "document_base", "document_line_total",
    )  # fmt: skip
    rows: list[list[Any]] = [headings(words, keys, widths, SMALL_HEAD)]
    for kind, taxes in ((words["cfdi_pdf_transferred"], transferred),
                        (words["cfdi_pdf_withheld"], withheld)):  # fmt: skip
        rows += [
            [
                kind,
                described(tax.tax, TAXES),
                tax.factor_type or "-",
                _plain(tax.rate),
                money(tax.base, currency) if tax.base is not None else "-",
                money(tax.amount, currency) if tax.amount is not None else "-",
            ]
            for tax in taxes
        ]
    table = Table(rows, colWidths=widths)
    table.setStyle(
        TableStyle(
            [
                *TIGHT,
                *type_of(SMALL_HEAD, (0, 0), (-1, 0)),
                *type_of(CELL, (0, 1), (-1, -1)),
                ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
                ("ALIGN", (3, 0), (-1, -1), "RIGHT"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, RULE),
            ]
        )
    )
    return table


def complement_rows(cfdi: Cfdi, complements: Iterable[Cfdi]) -> list[PaidInstalment]:
    """Each payment receipt's payment of this invoice, by instalment."""
    uuid = cfdi.uuid.upper()
    found = [
        (receipt, payment, related)
        for receipt in complements
        for payment in receipt.payments
        for related in payment.invoices
        if related.invoice_uuid.upper() == uuid
    ]
    return sorted(found, key=lambda row: (row[2].instalment, row[1].paid_at))


def complements_table(rows: list[PaidInstalment], words: Texts, width: float) -> Table:
    """The payment receipts of a PPD invoice: folio fiscal, date, instalment and balances."""
    keys = (
        "cfdi_pdf_uuid", "cfdi_pdf_series_folio", "cfdi_pdf_payment_date",
        "cfdi_pdf_instalment", "cfdi_pdf_balance_before", "cfdi_pdf_paid",
        "cfdi_pdf_balance_after",
    )  # fmt: skip
    data = [
        [
            receipt.uuid,
            series_folio(receipt),
            payment.paid_at,
            str(related.instalment),
            money(related.balance_before, related.currency),
            money(related.paid, related.currency),
            money(related.balance_after, related.currency),
        ]
        for receipt, payment, related in rows
    ]
    return related_documents_table(words, keys, data, width)


def related_documents_table(
    words: Texts, keys: Iterable[str], data: list[list[str]], width: float
) -> Table:
    """A folio fiscal, its series and folio, a date or currency, an instalment and three
    amounts: the rows of a complement list and of a payment receipt alike."""
    widths = [width * fraction for fraction in RELATED_COLUMNS]
    table = Table([headings(words, keys, widths, HEAD), *data], colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                *LINES_STYLE,
                *TIGHT,
                *type_of(HEAD, (0, 0), (-1, 0)),
                *type_of(CELL, (0, 1), (-1, -1)),
                ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
                ("ALIGN", (3, 1), (-1, -1), "RIGHT"),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
            ]
        )
    )
    return table


def seals_block(cfdi: Cfdi, words: Texts, width: float, sat_qr: QrCode) -> Table:
    """The seals and the original chain in small type and the legend, the SAT's QR beside
    them; one row, so it never splits across pages."""
    stamp = cfdi.stamp
    side = qr_side(sat_qr, SAT_QR_SIDE)
    text_width = width - side - QR_GAP
    texts: list[Any] = [
        seal_lines(label, value, text_width - CELL_PADDING)
        for label, value in (
            (ISSUER_SEAL, cfdi.seal),
            (SAT_SEAL, stamp.sat_seal),
            (ORIGINAL_CHAIN, stamp.original_chain),
        )
    ]
    texts += [
        Paragraph(f"<b>{words['cfdi_pdf_pac']}:</b> {escape(stamp.pac_rfc)}", SEAL),
        Spacer(1, 1 * mm),
        Paragraph(LEGEND, LEGEND_STYLE),
    ]
    table = Table([[texts, QrFlowable(sat_qr, SAT_QR_SIDE)]], colWidths=[text_width, side + QR_GAP])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                ("LEFTPADDING", (0, 0), (0, 0), 0),
                ("RIGHTPADDING", (1, 0), (1, 0), 0),
                ("LINEABOVE", (0, 0), (-1, 0), 0.5, RULE),
            ]
        )
    )
    return table


def seal_lines(label: str, value: str, width: float) -> Paragraph:
    """A bold label and a seal broken at any character into lines `width` wide.

    The same breaks reportlab's CJK wrapping makes, found once from cached glyph widths: CJK
    wrapping measured each character on every layout pass and took 40 % of the render."""
    slack = 0.5  # points left at the end of each line, against rounding
    room = width - stringWidth(f"{label}: ", BOLD, SEAL.fontSize)
    lines: list[str] = []
    start, used = 0, 0.0
    for index, character in enumerate(value):
        glyph = _glyph_width(character, SEAL.fontName, SEAL.fontSize)
        if used + glyph > room - slack and index > start:
            lines.append(value[start:index])
            start, used, room = index, 0.0, width
        used += glyph
    lines.append(value[start:])
    return Paragraph(f"<b>{label}:</b> " + "<br/>".join(escape(line) for line in lines), SEAL)


@cache
def _glyph_width(character: str, font: str, size: float) -> float:
    return float(stringWidth(character, font, size))


def _plain(value: Decimal | None) -> str:
    """A rate or exchange rate exactly as the XML writes it."""
    return "-" if value is None else f"{value:f}"
