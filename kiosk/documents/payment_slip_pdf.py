"""The payment slip: what a customer takes to the bank or uses for a transfer, with the QR."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from kiosk.documents import pdf_layout as layout
from kiosk.documents.invoice_pdf import BODY, BOLD_BODY, HEADING, TITLE_RIGHT, QrFlowable
from kiosk.documents.qr_drawing import qr_side
from kiosk.domain.display_formats import format_date, format_money
from kiosk.domain.payment_request import PaymentRequest
from kiosk.domain.qr_code import QrCode
from kiosk.domain.seller import BankDetails, Seller
from kiosk.language.catalogue import Texts

REFERENCE = layout.style("reference", size=20, bold=True, textColor=layout.ACCENT)
TOTAL = layout.style("total", size=13)


class PaymentSlipPdf:
    """Renders payment slips; the same input always gives the same bytes."""

    def __init__(self, seller: Seller, bank: BankDetails, *, paper: str, fonts: Path) -> None:
        layout.register_fonts(fonts)
        self._seller = seller
        self._bank = bank
        self._paper = layout.PAPER[paper]

    def render(self, request: PaymentRequest, qr: QrCode, *, language: str) -> bytes:
        words = Texts(language)
        buffer = io.BytesIO()
        document = layout.document_template(
            buffer,
            self._paper,
            title=f"{words['document_slip']} {request.reference}",
            author=self._seller.name,
        )
        width = self._paper[0] - 2 * layout.MARGIN
        top_block = layout.header(
            self._seller,
            words["document_tax_id"],
            [Paragraph(words["document_slip"], TITLE_RIGHT)],
            width,
        )
        created = format_date(request.created_at.date(), language)
        summary: list[Any] = [
            Paragraph(words["document_customer"], HEADING),
            Paragraph(
                f"<b>{escape(request.customer_name)}</b> ({escape(request.customer_code)})", BODY
            ),
            Paragraph(f"{words['document_created']}: {created}", BODY),
            Spacer(1, 3 * mm),
            Paragraph(words["document_reference"], HEADING),
            Paragraph(request.reference, REFERENCE),
            Paragraph(words["document_quote_reference"], BODY),
            Spacer(1, 3 * mm),
            Paragraph(
                f"{words['document_total_to_pay']}: <b>{format_money(request.total)}</b>", TOTAL
            ),
        ]
        side = qr_side(qr, 45 * mm)
        top = Table(
            [[summary, QrFlowable(qr, 45 * mm)]], colWidths=[width - side - 6 * mm, side + 6 * mm]
        )
        top.setStyle(
            TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (1, 0), (1, 0), "RIGHT")])
        )
        rows: list[list[Any]] = [
            [words["document_number"], words["document_due_date"], words["document_amount_due"]]
        ]
        for invoice in request.invoices:
            due = format_date(_day(invoice.due_date_iso), language)
            rows.append([str(invoice.doc_num), due, format_money(invoice.amount)])
        rows.append(["", words["document_total"], format_money(request.total)])
        invoices = Table(rows, colWidths=[width * 0.3, width * 0.3, width * 0.4], repeatRows=1)
        invoices.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), layout.REGULAR),
                    ("FONTNAME", (0, 0), (-1, 0), layout.BOLD),
                    ("FONTNAME", (0, -1), (-1, -1), layout.BOLD),
                    ("FONTSIZE", (0, 0), (-1, -1), 9),
                    ("ALIGN", (2, 0), (2, -1), "RIGHT"),
                    ("LINEBELOW", (0, 0), (-1, 0), 0.75, layout.ACCENT),
                    ("LINEABOVE", (0, -1), (-1, -1), 0.75, layout.ACCENT),
                    ("LINEBELOW", (0, 1), (-1, -2), 0.25, layout.RULE),
                ]
            )
        )
        bank = self._bank
        bank_rows = [
            (words[f"document_{key}"], value)
            for key, value in (
                ("bank", bank.bank_name),
                ("holder", bank.account_holder),
                ("clabe", bank.clabe),
                ("iban", bank.iban),
                ("bic", bank.bic),
                ("reference", request.reference),
            )
            if value
        ]
        bank_table = Table(
            [[Paragraph(k, BOLD_BODY), Paragraph(escape(v), BODY)] for k, v in bank_rows],
            colWidths=[width * 0.25, width * 0.75],
        )
        story: list[Any] = [
            top_block,
            Spacer(1, 5 * mm),
            top,
            Spacer(1, 5 * mm),
            Paragraph(words["document_slip_invoices"], HEADING),
            invoices,
            Spacer(1, 5 * mm),
            Paragraph(words["document_payment"], HEADING),
            bank_table,
        ]
        if bank.how_to_pay:
            story += [Spacer(1, 2 * mm), Paragraph(escape(bank.how_to_pay), BODY)]
        document.build(story, canvasmaker=layout.numbered_canvas(words["document_page"]))
        return buffer.getvalue()


def _day(text: str) -> date:
    return date.fromisoformat(text)
