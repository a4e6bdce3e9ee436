"""The Qt print path (Windows, and wherever CUPS is missing), printed here through the real CUPS
queue: the page that comes out is an image, so its QR code is what proves the invoice arrived."""

from __future__ import annotations

import subprocess
import uuid
from datetime import date

import pytest

from kiosk.bundled_files import resource_path
from kiosk.delivery.qt_printer import QtPrinter
from kiosk.documents.invoice_pdf import InvoicePdf
from kiosk.domain.payment_terms import PaymentTerms
from kiosk.domain.seller import Seller
from kiosk.payments.qr_encoder import QrEncoder
from kiosk.services.errors import ExternalRejected
from tests.builders import make_customer, make_invoice
from tests.fixtures.delivery_parts import cups_pdf_output

LINK = "https://pay.example.com/p/0000004253?amount=232.00"


@pytest.fixture
def invoice_pdf() -> bytes:
    renderer = InvoicePdf(
        Seller("Distribuidora Ejemplo", "DEJ010101AA1", "CDMX"), PaymentTerms(),
        paper="Letter", fonts=resource_path("fonts"),
    )  # fmt: skip
    return renderer.render(
        make_invoice(due_date=date(2030, 1, 1)), make_customer(), language="es",
        today=date(2026, 11, 22), qr=QrEncoder().encode(LINK), payment_reference="0000004253",
    )  # fmt: skip


def test_qt_prints_pages_whose_qr_still_scans(qapp, cups_queue, invoice_pdf, tmp_path):
    title = f"KioskQt{uuid.uuid4().hex[:8]}"

    receipt = QtPrinter().print_pdf(invoice_pdf, printer=cups_queue, title=title)

    assert receipt.startswith(f"qt:{cups_queue}:")
    printed = cups_pdf_output(f"{title}*.pdf")
    subprocess.run(["pdftoppm", "-r", "120", "-png", str(printed), str(tmp_path / "p")], check=True)
    decoded = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(next(tmp_path.glob("p*.png")))],
        capture_output=True, text=True, check=False,
    ).stdout.split()  # fmt: skip
    assert decoded == [LINK]


def test_qt_names_an_unknown_printer(qapp, cups_queue, invoice_pdf):
    with pytest.raises(ExternalRejected, match="unknown printer 'Nope'") as raised:
        QtPrinter().print_pdf(invoice_pdf, printer="Nope", title="x")

    assert cups_queue in str(raised.value)
    assert cups_queue in [p.name for p in QtPrinter().printers()]


def test_the_staff_print_dialog(qapp, cups_queue, invoice_pdf, monkeypatch):
    from PySide6.QtPrintSupport import QPrintDialog

    monkeypatch.setattr(QPrintDialog, "exec", lambda self: QPrintDialog.DialogCode.Rejected)
    assert QtPrinter().print_with_dialog(invoice_pdf, title="cancelled") is None

    def choose_test_queue(self):
        from PySide6.QtPrintSupport import QPrinterInfo

        self.printer().setPrinterName(QPrinterInfo.printerInfo(cups_queue).printerName())
        return QPrintDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", choose_test_queue)
    title = f"KioskDialog{uuid.uuid4().hex[:8]}"
    receipt = QtPrinter().print_with_dialog(invoice_pdf, title=title)

    assert receipt is not None and receipt.startswith(f"qt:{cups_queue}:")
    assert cups_pdf_output(f"{title}*.pdf").stat().st_size > 0
