"""An invoice e-mail in the customer's language: subject, plain text and HTML, and the PDF."""

from __future__ import annotations

from html import escape

from kiosk.domain.delivery import OutgoingEmail
from kiosk.domain.invoice import Invoice
from kiosk.language.catalogue import Texts


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
    words = Texts(language)
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
        words["invoice_email_hello"].format(**values),
        words["invoice_email_body" if owed else "invoice_email_paid"].format(**values),
    ]
    if owed and payment_link:
        paragraphs.append(words["invoice_email_pay"].format(**values))
    paragraphs += [words["invoice_email_thanks"], seller]
    html = "".join(f"<p>{escape(paragraph)}</p>" for paragraph in paragraphs)
    if owed and payment_link:
        link = escape(payment_link, quote=True)
        html = html.replace(escape(payment_link), f'<a href="{link}">{escape(payment_link)}</a>')
    return OutgoingEmail(
        to=to,
        subject=words["invoice_email_subject"].format(**values),
        text="\n\n".join(paragraphs) + "\n",
        html=f"<html><body>{html}</body></html>",
        attachment_name=words["invoice_email_file"].format(**values),
        attachment=pdf,
    )
