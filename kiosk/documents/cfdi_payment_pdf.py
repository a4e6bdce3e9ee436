"""The printed representation of a stamped payment receipt (CFDI de pago, Pagos 2.0), es or en."""

from __future__ import annotations

import io
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer

from kiosk.documents.cfdi_invoice_pdf import (
    SECTION,
    concepts_table,
    fact_grid,
    fiscal_data,
    fiscal_header,
    money,
    related_documents_table,
    seals_block,
    series_folio,
)
from kiosk.documents.pdf_layout import (
    ACCENT,
    MARGIN,
    PAPER,
    document_template,
    numbered_canvas,
    register_fonts,
    style,
)
from kiosk.documents.sat_catalogues import PAYMENT_FORMS, described
from kiosk.domain.cfdi import Cfdi, ReceivedPayment
from kiosk.domain.qr_code import QrCode
from kiosk.domain.seller import Seller
from kiosk.language.catalogue import Texts

# Smaller than an invoice's title: "RECIBO ELECTRÓNICO DE PAGO" takes two lines, not three.
TITLE = style("cfdi-receipt-title", size=13, bold=True, textColor=ACCENT, alignment=2)


class CfdiPaymentPdf:
    """Renders the printed representation of payment receipts; same input, same bytes."""

    def __init__(self, seller: Seller, *, paper: str, fonts: Path) -> None:
        register_fonts(fonts)
        self._seller = seller
        self._paper = PAPER[paper]

    def render(self, cfdi: Cfdi, *, language: str, sat_qr: QrCode) -> bytes:
        """The PDF of one payment receipt: its payments and the invoices each one settles."""
        words = Texts(language)
        title = words["cfdi_pdf_payment_receipt"]
        buffer = io.BytesIO()
        document = document_template(
            buffer,
            self._paper,
            title=f"{title} {series_folio(cfdi)}",
            author=cfdi.issuer.name,
        )
        width = self._paper[0] - 2 * MARGIN
        beside = [
            (words["document_currency"], cfdi.currency),
            (words["cfdi_pdf_amount"], _amounts_paid(cfdi.payments)),
        ]
        story: list[Any] = [
            fiscal_header(
                self._seller, cfdi, words, width, title,
                complement=words["cfdi_pdf_payments_complement"], title_look=TITLE,
            ),
            Spacer(1, 1 * mm),
            fiscal_data(cfdi, words, width, beside),
            Spacer(1, 2 * mm),
            concepts_table(cfdi.concepts, cfdi.currency, words, width),
        ]  # fmt: skip
        for number, payment in enumerate(cfdi.payments, start=1):
            story.append(
                KeepTogether(
                    [
                        Paragraph(words.format("cfdi_pdf_payment", number=number), SECTION),
                        _payment_facts(payment, words, width),
                        Spacer(1, 1.5 * mm),
                        _related_documents(payment, words, width),
                    ]
                )
            )
        story += [Spacer(1, 3 * mm), seals_block(cfdi, words, width, sat_qr)]
        document.build(story, canvasmaker=numbered_canvas(words["document_page"]))
        return buffer.getvalue()


def _payment_facts(payment: ReceivedPayment, words: Texts, width: float) -> Any:
    left = [
        (words["cfdi_pdf_payment_date"], payment.paid_at),
        (words["cfdi_pdf_payment_form"], described(payment.payment_form, PAYMENT_FORMS)),
    ]
    right = [
        (words["document_currency"], payment.currency),
        (words["cfdi_pdf_amount"], money(payment.amount, payment.currency)),
    ]
    return fact_grid([(left, right)], width)


def _related_documents(payment: ReceivedPayment, words: Texts, width: float) -> Any:
    keys = (
        "cfdi_pdf_uuid", "cfdi_pdf_series_folio", "document_currency",
        "cfdi_pdf_instalment", "cfdi_pdf_balance_before", "cfdi_pdf_paid",
        "cfdi_pdf_balance_after",
    )  # fmt: skip
    data = [
        [
            related.invoice_uuid,
            "-".join(part for part in (related.series, related.folio) if part) or "-",
            related.currency,
            str(related.instalment),
            money(related.balance_before, related.currency),
            money(related.paid, related.currency),
            money(related.balance_after, related.currency),
        ]
        for related in payment.invoices
    ]
    return related_documents_table(words, keys, data, width)


def _amounts_paid(payments: tuple[ReceivedPayment, ...]) -> str:
    """What the receipt's payments add up to, currency by currency."""
    by_currency: dict[str, Decimal] = defaultdict(Decimal)
    for payment in payments:
        by_currency[payment.currency] += payment.amount
    return "; ".join(money(amount, currency) for currency, amount in by_currency.items())
