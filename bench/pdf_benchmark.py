"""PDF benchmark: median render time of a one-page invoice with QR and of a 200-line invoice,
the same one-page invoice through WeasyPrint from equivalent HTML as the peer baseline, and the
printed representation of a one-page stamped CFDI with its SAT, payment and kiosk QR codes, and
a 300-line statement of account (two currencies, over several pages).

Run from the project root:  .venv/bin/python -m bench.pdf_benchmark
(WeasyPrint comes with `pip install -e '.[bench]'`; without it the baseline is left out.)
"""

from __future__ import annotations

import argparse
import base64
import io
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench.figures import report
from kiosk.bundled_files import resource_path
from kiosk.cfdi.xml_reader import read_cfdi
from kiosk.documents.cfdi_invoice_pdf import CfdiInvoicePdf
from kiosk.documents.invoice_pdf import InvoicePdf
from kiosk.documents.statement_pdf import StatementPdf
from kiosk.domain.cfdi import Cfdi
from kiosk.domain.credit_note import CreditNote
from kiosk.domain.customer import Address, Customer
from kiosk.domain.incoming_payment import IncomingPayment, PaymentAllocation
from kiosk.domain.invoice import Invoice, InvoiceLine, SapDocumentStatus
from kiosk.domain.kiosk_code import make_kiosk_code
from kiosk.domain.money import Money
from kiosk.domain.payment_terms import PaymentTerms
from kiosk.domain.reports import ReportPeriod
from kiosk.domain.seller import Seller
from kiosk.domain.statement import Statement, build_statement
from kiosk.payments.qr_encoder import QrEncoder

RESULTS = Path(__file__).parent / "results"
TARGETS = {
    "one_page_median_ms": 40.0,
    "two_hundred_lines_median_ms": 150.0,
    "weasyprint_over_kiosk_ratio": 8.0,
    "cfdi_one_page_median_ms": 60.0,
    "statement_three_hundred_lines_median_ms": 250.0,
}
SELLER = Seller(
    "Distribuidora Ejemplo S.A. de C.V.",
    "DEJ010101AA1",
    "Av. Reforma 100, Col. Centro, 06000 Ciudad de México",
    "+52 55 5555 0100",
    "facturacion@ejemplo.mx",
)
CUSTOMER = Customer(
    "C000042",
    "Comercializadora Peña del Norte S.A. de C.V.",
    "CPN010101AB1",
    address=Address("Av. Constitución 100", "Monterrey", "64000", "Nuevo León", "MX"),
)
LINK = "https://pay.example.com/p/0000004253?amount=1160.00"
TODAY = date(2026, 11, 22)
CFDI_XML = Path(__file__).parents[1] / "tests" / "fixtures" / "cfdi" / "invoice_ppd.xml"
"""A stamped PPD invoice: two concepts, IVA, seals and TimbreFiscalDigital (FA5001, $1,234.50)."""


def invoice(lines: int) -> Invoice:
    rows = tuple(
        InvoiceLine(
            n,
            f"A{n:05d}",
            f"Artículo de ferretería número {n}",
            Decimal(2),
            Decimal("250.00"),
            Decimal(0),
            "IVA16",
            Decimal(16),
            Decimal("80.00"),
            Decimal("500.00"),
        )
        for n in range(lines)
    )
    net = Decimal("500.00") * lines
    return Invoice(
        doc_entry=42,
        doc_num=100042,
        customer_code=CUSTOMER.code,
        customer_name=CUSTOMER.name,
        customer_tax_id=CUSTOMER.tax_id,
        posting_date=date(2026, 11, 20),
        due_date=date(2026, 12, 20),
        document_date=date(2026, 11, 20),
        currency="MXN",
        net_total=Money(net, "MXN"),
        tax_total=Money(net * Decimal("0.16"), "MXN"),
        total=Money(net * Decimal("1.16"), "MXN"),
        paid_to_date=Money.zero("MXN"),
        sap_status=SapDocumentStatus.OPEN,
        cancelled=False,
        customer_reference="OC-77",
        comments="Gracias por su compra.",
        lines=rows,
    )


def stamped_invoice() -> tuple[Invoice, Cfdi]:
    """The fixture's CFDI and the SAP invoice it was stamped for, with something left to pay."""
    cfdi = read_cfdi(CFDI_XML.read_bytes())
    sap = invoice(len(cfdi.concepts))
    tax = cfdi.total_transferred or Decimal(0)
    return (
        replace(
            sap,
            doc_num=5001,
            net_total=Money(cfdi.subtotal, "MXN"),
            tax_total=Money(tax, "MXN"),
            total=Money(cfdi.total, "MXN"),
            fiscal_uuid=cfdi.uuid,
        ),
        cfdi,
    )


def statement(lines: int) -> Statement:
    """A customer's 90 days with `lines` entries: invoices, each paid in part a few days later,
    and every tenth invoice in USD with a credit note beside it."""
    start = date(2026, 8, 25)
    invoices: list[Invoice] = []
    payments: list[IncomingPayment] = []
    notes: list[CreditNote] = []
    for n in range(lines // 2):
        currency = "USD" if n % 10 == 0 else "MXN"
        posted = start + timedelta(days=n * 89 // max(1, lines // 2))
        total = Money(Decimal(1160) + n, currency)
        invoices.append(
            replace(
                invoice(0), doc_entry=n + 1, doc_num=200000 + n, posting_date=posted,
                document_date=posted, due_date=posted + timedelta(days=30), currency=currency,
                net_total=Money(total.amount, currency), tax_total=Money.zero(currency),
                total=total, paid_to_date=Money(Decimal(500), currency),
            )
        )  # fmt: skip
        paid = Money(Decimal(500), currency)
        if currency == "USD":
            notes.append(CreditNote(n + 1, 70000 + n, CUSTOMER.code, posted, paid, False, (n + 1,)))
        else:
            payments.append(
                IncomingPayment(
                    n + 1, 90000 + n, CUSTOMER.code, min(posted + timedelta(days=3), TODAY),
                    paid, f"TRF-{n}", False, (PaymentAllocation(n + 1, paid.amount),),
                )
            )  # fmt: skip
    return build_statement(
        CUSTOMER, ReportPeriod(start, TODAY), invoices=invoices, credit_notes=notes,
        payments=payments, disputes=[], today=TODAY,
    )  # fmt: skip


def statement_pdf_median_ms(runs: int) -> float:
    """Median time to render a 300-line statement of account (two currencies, 8 pages)."""
    long_statement = statement(300)
    assert long_statement.entry_count == 300
    renderer = StatementPdf(SELLER, paper="Letter", fonts=resource_path("fonts"))
    return round(median_ms(lambda: renderer.render(long_statement, language="es"), runs), 2)


def median_ms(work: Callable[[], object], runs: int) -> float:
    work()  # warm up: fonts, caches
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def html_invoice(document: Invoice) -> str:
    """The one-page invoice as HTML for WeasyPrint: same blocks, fonts, table and QR."""
    import qrcode

    image = qrcode.make(LINK, border=4)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    qr = base64.b64encode(buffer.getvalue()).decode()
    fonts = resource_path("fonts")
    rows = "".join(
        f"<tr><td>{line.item_code}</td><td>{line.description}</td><td>{line.quantity}</td>"
        f"<td>${line.unit_price:,.2f}</td><td>0</td><td>${line.line_total:,.2f}</td></tr>"
        for line in document.lines
    )
    return f"""<html><head><style>
@font-face {{ font-family: K; src: url(file://{fonts / "DejaVuSans.ttf"}); }}
@font-face {{ font-family: K; font-weight: bold; src: url(file://{fonts / "DejaVuSans-Bold.ttf"}); }}
@page {{ size: Letter; margin: 15mm; @bottom-right {{ content: "Página " counter(page) " de " counter(pages); }} }}
body {{ font-family: K; font-size: 8.5pt; }} table {{ width: 100%; border-collapse: collapse; }}
th {{ background: #0B5394; color: white; text-align: left; }} td {{ border-bottom: 0.25pt solid #ccc; }}
</style></head><body>
<h2>{SELLER.name}</h2><p>RFC: {SELLER.tax_id}<br>{SELLER.address}</p>
<h1 style="text-align:right">FACTURA {document.doc_num}</h1>
<p><b>Cliente</b><br>{CUSTOMER.name}<br>RFC: {CUSTOMER.tax_id}<br>Vencimiento: 20/12/2026</p>
<table><tr><th>Clave</th><th>Descripción</th><th>Cant.</th><th>Precio</th><th>Desc.</th><th>Importe</th></tr>{rows}</table>
<p>Subtotal ${document.net_total.amount:,.2f}<br>IVA ${document.tax_total.amount:,.2f}<br>
<b>Saldo a pagar ${document.amount_due.amount:,.2f}</b></p>
<p>Referencia: 0000004253<br>{LINK}</p><img src="data:image/png;base64,{qr}" style="width:32mm">
</body></html>"""  # noqa: E501


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--results", type=Path, default=RESULTS, help="folder for the JSON")
    parser.add_argument("--no-baseline", action="store_true", help="leave WeasyPrint out")
    args = parser.parse_args()
    renderer = InvoicePdf(
        SELLER,
        PaymentTerms("SPEI, tarjeta", Decimal(2), 10),
        paper="Letter",
        fonts=resource_path("fonts"),
    )
    encoder = QrEncoder()

    def render(lines: int) -> Callable[[], bytes]:
        document = invoice(lines)
        return lambda: renderer.render(
            document, CUSTOMER, language="es", today=TODAY, qr=encoder.encode(LINK),
            payment_reference="0000004253",
        )  # fmt: skip

    cfdi_renderer = CfdiInvoicePdf(
        SELLER,
        PaymentTerms("SPEI, tarjeta", Decimal(2), 10),
        paper="Letter",
        fonts=resource_path("fonts"),
    )
    sap_invoice, cfdi = stamped_invoice()

    kiosk_code = make_kiosk_code(sap_invoice.doc_num, CUSTOMER.code)

    def render_cfdi() -> bytes:
        # Every code encoded per render, as the one-page figure encodes its payment QR.
        return cfdi_renderer.render(
            sap_invoice, cfdi, CUSTOMER, language="es", today=TODAY,
            sat_qr=encoder.encode(cfdi.sat_verification_url()), qr=encoder.encode(LINK),
            payment_reference="0000004253", kiosk_qr=encoder.encode(kiosk_code),
        )  # fmt: skip

    figures: dict[str, Any] = {
        "one_page_median_ms": round(median_ms(render(2), args.runs), 2),
        "two_hundred_lines_median_ms": round(median_ms(render(200), max(5, args.runs // 3)), 2),
        "cfdi_one_page_median_ms": round(median_ms(render_cfdi, args.runs), 2),
        "statement_three_hundred_lines_median_ms": statement_pdf_median_ms(max(5, args.runs // 3)),
    }
    if not args.no_baseline:
        try:
            import weasyprint
        except ImportError:
            print(
                "WeasyPrint is not installed: pip install -e '.[bench]' for the baseline",
                file=sys.stderr,
            )
        else:
            html = html_invoice(invoice(2))
            peer = median_ms(
                lambda: weasyprint.HTML(string=html).write_pdf(), max(5, args.runs // 3)
            )
            figures["weasyprint_one_page_median_ms"] = round(peer, 2)
            figures["weasyprint_over_kiosk_ratio"] = round(peer / figures["one_page_median_ms"], 1)
    report(figures, TARGETS, args.results / "pdf_benchmark.json")


if __name__ == "__main__":
    main()
