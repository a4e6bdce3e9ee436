"""E-mails in the customer's language: an invoice with its PDF (and its CFDI's XML), an
invoice's XML alone, and a payment receipt (CFDI de pago) with its PDF and XML."""

from __future__ import annotations

from collections.abc import Mapping

from kiosk.domain.cfdi import Cfdi
from kiosk.domain.delivery import EmailAttachment, OutgoingEmail
from kiosk.domain.invoice import Invoice
from kiosk.language.catalogue import Texts
from kiosk.services.email_body import html_body, text_body


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
    xml: EmailAttachment | None = None,
) -> OutgoingEmail:
    """The e-mail that carries an invoice's PDF, in the customer's language, and beside it
    the stamped CFDI XML where the invoice has one (Mexican customers need both)."""
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
    links = [payment_link] if owed and payment_link else []
    return OutgoingEmail(
        to=to,
        subject=words["invoice_email_subject"].format(**values),
        text=text_body(paragraphs),
        html=html_body(paragraphs, language=language, links=links),
        attachment_name=words["invoice_email_file"].format(**values),
        attachment=pdf,
        also_attached=() if xml is None else (xml,),
    )


def invoice_xml_email(
    invoice: Invoice, *, to: str, xml: EmailAttachment, seller: str, language: str
) -> OutgoingEmail:
    """The e-mail that carries only an invoice's stamped XML ("Enviar XML")."""
    words = Texts(language)
    values = {"number": invoice.doc_num, "seller": seller, "customer": invoice.customer_name,
              "file": xml.name}  # fmt: skip
    return _plain_email(to, words, values, "xml_email_subject", "xml_email_body", None, "", (xml,))


def receipt_email(
    receipt: Cfdi,
    *,
    to: str,
    customer: str,
    pdf: bytes,
    xml: EmailAttachment,
    seller: str,
    language: str,
    amount: str,
) -> OutgoingEmail:
    """The e-mail that carries a payment receipt (CFDI de pago): its PDF and its XML."""
    words = Texts(language)
    number = f"{receipt.series or ''}{receipt.folio or ''}" or receipt.uuid
    values = {"number": number, "seller": seller, "customer": customer, "amount": amount,
              "uuid": receipt.uuid}  # fmt: skip
    return _plain_email(
        to, words, values, "receipt_email_subject", "receipt_email_body", pdf,
        words["receipt_email_file"].format(**values), (xml,),
    )  # fmt: skip


def _plain_email(
    to: str,
    words: Texts,
    values: Mapping[str, object],
    subject: str,
    body: str,
    pdf: bytes | None,
    pdf_name: str,
    attached: tuple[EmailAttachment, ...],
) -> OutgoingEmail:
    paragraphs = [
        words["invoice_email_hello"].format(**values),
        words[body].format(**values),
        words["invoice_email_thanks"],
        str(values["seller"]),
    ]
    return OutgoingEmail(
        to=to,
        subject=words[subject].format(**values),
        text=text_body(paragraphs),
        html=html_body(paragraphs, language=words.language),
        attachment_name=pdf_name,
        attachment=pdf,
        also_attached=attached,
    )
