"""Printing on a real CUPS spooler: the PDF that comes out carries the invoice; errors are clear."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from kiosk.bundled_files import resource_path
from kiosk.delivery.cups_printer import CupsPrinter
from kiosk.documents.invoice_pdf import InvoicePdf
from kiosk.domain.payment_terms import PaymentTerms
from kiosk.domain.seller import Seller
from kiosk.services.errors import ExternalRejected, ExternalUnavailable
from tests.builders import make_customer, make_invoice
from tests.fixtures.delivery_parts import printed_pdf


@pytest.fixture
def invoice_pdf() -> bytes:
    renderer = InvoicePdf(
        Seller("Distribuidora Ejemplo S.A. de C.V.", "DEJ010101AA1", "CDMX"),
        PaymentTerms(), paper="Letter", fonts=resource_path("fonts"),
    )  # fmt: skip
    invoice = make_invoice(77, doc_num=778899, due_date=date(2030, 1, 1))
    return renderer.render(invoice, make_customer(), language="es", today=date(2026, 11, 22))


def test_the_printed_pdf_carries_the_invoice_number(cups_queue, invoice_pdf):
    printer = CupsPrinter()
    assert cups_queue in [p.name for p in printer.printers()]

    job = printer.print_pdf(invoice_pdf, printer=cups_queue, title="Factura 778899")

    assert job.startswith(f"{cups_queue}-")
    text = " ".join(page.extract_text() for page in PdfReader(printed_pdf(job)).pages)
    assert "778899" in text


def test_a_stopped_queue_keeps_the_job_for_later(cups_queue, invoice_pdf):
    subprocess.run(["cupsdisable", cups_queue], check=True)
    try:
        with pytest.raises(ExternalUnavailable, match=f"printer {cups_queue} is stopped") as raised:
            CupsPrinter().print_pdf(invoice_pdf, printer=cups_queue, title="Factura")
    finally:
        subprocess.run(["cupsenable", cups_queue], check=True)
    assert raised.value.code == "printer-stopped"


def test_an_unknown_printer_is_named(cups_queue, invoice_pdf):
    with pytest.raises(ExternalRejected, match="unknown printer 'NoSuchPrinter'") as raised:
        CupsPrinter().print_pdf(invoice_pdf, printer="NoSuchPrinter", title="Factura")

    assert cups_queue in str(raised.value)


STATUS_INVOICES = {
    "open": {"due_date": date(2030, 1, 1)},
    "overdue": {"due_date": date(2026, 1, 1)},
    "paid": {"paid_to_date": "232.00"},
    "cancelled": {"cancelled": True},
}


@pytest.mark.parametrize("status", sorted(STATUS_INVOICES))
def test_a_printed_invoice_of_every_status_stays_text_not_an_image(cups_queue, status, tmp_path):
    renderer = InvoicePdf(
        Seller("Distribuidora Ejemplo S.A. de C.V.", "DEJ010101AA1", "CDMX"),
        PaymentTerms(), paper="Letter", fonts=resource_path("fonts"),
    )  # fmt: skip
    invoice = make_invoice(77, doc_num=778899, **STATUS_INVOICES[status])
    today = date(2026, 11, 22)
    assert invoice.status_on(today).value == status
    pdf = renderer.render(invoice, make_customer(), language="es", today=today)

    job = CupsPrinter().print_pdf(pdf, printer=cups_queue, title=f"Factura {status}")

    spooled = printed_pdf(job)
    text = subprocess.run(
        ["pdftotext", "-layout", str(spooled), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "778899" in text and "$232.00" in text  # searchable: the fonts came through
    assert full_page_images(spooled) == []


def full_page_images(pdf: Path) -> list[str]:
    """The `pdfimages -list` rows of images as wide as a page rendered at 150 dpi or more."""
    listing = subprocess.run(
        ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]  # two header lines
    return [row for row in listing if int(row.split()[3]) >= 8.5 * 150]
