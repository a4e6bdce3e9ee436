"""Document wording and number/date formats in Spanish (Mexico) and English (US)."""

from __future__ import annotations

from kiosk.domain.display_formats import format_date, format_money
from kiosk.domain.invoice import InvoiceStatus

LANGUAGES = ("es", "en")

LABELS: dict[str, dict[str, str]] = {
    "es": {
        "invoice": "FACTURA", "number": "Factura núm.", "customer_reference": "Su referencia",
        "issue_date": "Fecha de emisión", "posting_date": "Fecha contable",
        "due_date": "Vencimiento",
        "currency": "Moneda", "customer": "Cliente", "code": "Código", "tax_id": "RFC",
        "item": "Clave", "description": "Descripción", "quantity": "Cant.",
        "unit_price": "Precio unit.", "discount": "Desc. %", "line_total": "Importe",
        "tax_summary": "Resumen de impuestos", "tax_code": "Impuesto", "base": "Base",
        "rate": "Tasa", "tax": "Impuesto", "net": "Subtotal", "total": "Total",
        "paid": "Pagado", "amount_due": "Saldo a pagar", "payment": "Cómo pagar",
        "methods": "Formas de pago aceptadas", "early": "Pronto pago",
        "early_text": "Pague {amount} ({percent} % de descuento) a más tardar el {until}.",
        "reference": "Referencia", "link": "Pague en línea", "comments": "Comentarios",
        "page": "Página {page} de {pages}", "slip": "FICHA DE PAGO",
        "slip_invoices": "Facturas que cubre este pago", "bank": "Banco",
        "holder": "Titular", "clabe": "CLABE", "iban": "IBAN", "bic": "BIC/SWIFT",
        "how_to_pay": "Instrucciones",
        "quote_reference": "Indique siempre esta referencia al pagar.",
        "total_to_pay": "Total a pagar", "created": "Emitida",
        "kiosk_code": "Kiosco: escanee este código para consultar sus facturas",
    },
    "en": {
        "invoice": "INVOICE", "number": "Invoice no.", "customer_reference": "Your reference",
        "issue_date": "Issue date", "posting_date": "Posting date", "due_date": "Due date",
        "currency": "Currency", "customer": "Customer", "code": "Code", "tax_id": "Tax ID",
        "item": "Item", "description": "Description", "quantity": "Qty",
        "unit_price": "Unit price", "discount": "Disc. %", "line_total": "Amount",
        "tax_summary": "Tax summary", "tax_code": "Tax", "base": "Base", "rate": "Rate",
        "tax": "Tax", "net": "Subtotal", "total": "Total", "paid": "Paid to date",
        "amount_due": "Amount due", "payment": "How to pay",
        "methods": "Accepted payment methods", "early": "Early payment",
        "early_text": "Pay {amount} ({percent} % discount) by {until}.",
        "reference": "Reference", "link": "Pay online", "comments": "Comments",
        "page": "Page {page} of {pages}", "slip": "PAYMENT SLIP",
        "slip_invoices": "Invoices this payment covers", "bank": "Bank",
        "holder": "Account holder", "clabe": "CLABE", "iban": "IBAN", "bic": "BIC/SWIFT",
        "how_to_pay": "Instructions", "quote_reference": "Always quote this reference when paying.",
        "total_to_pay": "Total to pay", "created": "Issued",
        "kiosk_code": "Kiosk: scan this code to look up your invoices",
    },
}  # fmt: skip

STAMPS = {
    "es": {InvoiceStatus.PAID: "PAGADA", InvoiceStatus.CANCELLED: "CANCELADA",
           InvoiceStatus.OVERDUE: "VENCIDA"},
    "en": {InvoiceStatus.PAID: "PAID", InvoiceStatus.CANCELLED: "CANCELLED",
           InvoiceStatus.OVERDUE: "OVERDUE"},
}  # fmt: skip


def label(language: str, key: str) -> str:
    return LABELS[language][key]


def format_number(value: object) -> str:
    """A quantity or percentage without needless trailing zeros."""
    text = f"{value:f}" if hasattr(value, "as_tuple") else str(value)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


__all__ = ["LABELS", "LANGUAGES", "STAMPS", "format_date", "format_money", "format_number", "label"]
