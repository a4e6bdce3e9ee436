"""Renderers with a realistic seller, and tools to read PDFs the way a person or a phone does."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from kiosk.bundled_files import resource_path
from kiosk.documents.cfdi_invoice_pdf import CfdiInvoicePdf
from kiosk.documents.cfdi_payment_pdf import CfdiPaymentPdf
from kiosk.documents.invoice_pdf import InvoicePdf
from kiosk.documents.payment_slip_pdf import PaymentSlipPdf
from kiosk.domain.payment_terms import PaymentTerms
from kiosk.domain.seller import BankDetails, Seller

TODAY = date(2026, 11, 22)
SELLER = Seller(
    "Distribuidora Ejemplo S.A. de C.V.", "DEJ010101AA1",
    "Av. Reforma 100, Col. Centro, 06000 Ciudad de México", "+52 55 5555 0100",
    "facturacion@ejemplo.mx",
)  # fmt: skip
TERMS = PaymentTerms("Transferencia SPEI, tarjeta o efectivo en caja", Decimal("2"), 10)
BANK = BankDetails(
    "BBVA México", "Distribuidora Ejemplo S.A. de C.V.", "012180001234567897",
    how_to_pay="Transfiera por SPEI a la CLABE indicada con la referencia en el concepto.",
)  # fmt: skip


@pytest.fixture
def invoice_pdf() -> InvoicePdf:
    return InvoicePdf(SELLER, TERMS, paper="Letter", fonts=resource_path("fonts"))


@pytest.fixture
def slip_pdf() -> PaymentSlipPdf:
    return PaymentSlipPdf(SELLER, BANK, paper="A4", fonts=resource_path("fonts"))


@pytest.fixture
def cfdi_invoice_pdf() -> CfdiInvoicePdf:
    return CfdiInvoicePdf(SELLER, TERMS, paper="Letter", fonts=resource_path("fonts"))


@pytest.fixture
def cfdi_payment_pdf() -> CfdiPaymentPdf:
    return CfdiPaymentPdf(SELLER, paper="Letter", fonts=resource_path("fonts"))


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def layout_text(pdf: bytes, tmp_path: Path) -> str:
    """The PDF's text as `pdftotext -layout` reads it: each printed line one line of text."""
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is needed (Debian poppler-utils; .ci/run installs it)")
    tmp_path.mkdir(parents=True, exist_ok=True)
    source = tmp_path / "layout.pdf"
    source.write_bytes(pdf)
    result = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(source), "-"],
        capture_output=True, check=True,
    )  # fmt: skip
    return result.stdout.decode("utf-8")


def decode_qr(pdf: bytes, tmp_path: Path, page: int = 1) -> list[str]:
    """Render a page to PNG with pdftoppm and read its QR codes with zbarimg, as a phone would."""
    for tool in ("pdftoppm", "zbarimg"):
        if shutil.which(tool) is None:
            pytest.fail(
                f"{tool} is needed (Debian poppler-utils / zbar-tools; .ci/run installs them)"
            )
    tmp_path.mkdir(parents=True, exist_ok=True)
    source = tmp_path / "document.pdf"
    source.write_bytes(pdf)
    pages = ["-f", str(page), "-l", str(page)]
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", *pages, str(source), str(tmp_path / "page")], check=True
    )
    image = next(tmp_path.glob("page*.png"))
    result = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(image)], capture_output=True, text=True, check=False
    )
    return [line for line in result.stdout.splitlines() if line]


def transparency(pdf: bytes) -> list[str]:
    """Every translucent graphics state or soft mask in the PDF: what makes a spooler rasterise."""
    found = []
    for number, page in enumerate(PdfReader(io.BytesIO(pdf)).pages, start=1):
        resources = page.get("/Resources") or {}
        for name, state in (resources.get("/ExtGState") or {}).items():
            state = state.get_object()
            for key in ("/ca", "/CA"):
                if key in state and float(state[key]) < 1:
                    found.append(f"page {number} {name} {key} {state[key]}")
            if state.get("/SMask") not in (None, "/None"):
                found.append(f"page {number} {name} soft mask")
        for name, image in (resources.get("/XObject") or {}).items():
            if "/SMask" in image.get_object():
                found.append(f"page {number} {name} image with a soft mask")
    return found
