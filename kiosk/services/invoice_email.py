"""The words of an invoice e-mail in Spanish and English: subject, plain text and HTML."""

from __future__ import annotations

from html import escape

from kiosk.domain.delivery import OutgoingEmail
from kiosk.domain.invoice import Invoice

_TEXT = {
    "es": {
        "subject": "Factura {number} de {seller}",
        "hello": "Estimado cliente {customer}:",
        "body": "Le enviamos su factura {number}. Saldo a pagar: {due} (vence el {due_date}).",
        "paid": "Le enviamos su factura {number}. No tiene saldo pendiente.",
        "pay": "Puede pagarla en línea aquí: {link}",
        "thanks": "Gracias por su preferencia.",
        "file": "Factura-{number}.pdf",
    },
    "en": {
        "subject": "Invoice {number} from {seller}",
        "hello": "Dear {customer},",
        "body": "Please find invoice {number} attached. Amount due: {due} (due {due_date}).",
        "paid": "Please find invoice {number} attached. Nothing is left to pay.",
        "pay": "You can pay it online here: {link}",
        "thanks": "Thank you for your business.",
        "file": "Invoice-{number}.pdf",
    },
}


def invoice_email(
    invoice: Invoice,
    *,
    to: str,
    pdf: bytes,
    seller: str,
    language: str,
    amount_due: str,
    due_date: str,
    payment_link: str | None,
) -> OutgoingEmail:
    """The e-mail that carries an invoice's PDF, in the customer's language."""
    words = _TEXT[language]
    values = {
        "number": invoice.doc_num,
        "seller": seller,
        "customer": invoice.customer_name,
        "due": amount_due,
        "due_date": due_date,
        "link": payment_link or "",
    }
    owed = invoice.amount_due.is_positive()
    paragraphs = [
        words["hello"].format(**values),
        words["body" if owed else "paid"].format(**values),
    ]
    if owed and payment_link:
        paragraphs.append(words["pay"].format(**values))
    paragraphs += [words["thanks"], seller]
    html = "".join(f"<p>{escape(paragraph)}</p>" for paragraph in paragraphs)
    if owed and payment_link:
        link = escape(payment_link, quote=True)
        html = html.replace(escape(payment_link), f'<a href="{link}">{escape(payment_link)}</a>')
    return OutgoingEmail(
        to=to,
        subject=words["subject"].format(**values),
        text="\n\n".join(paragraphs) + "\n",
        html=f"<html><body>{html}</body></html>",
        attachment_name=words["file"].format(**values),
        attachment=pdf,
    )
