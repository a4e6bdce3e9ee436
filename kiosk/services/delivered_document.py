"""What a delivery carried, in words for staff: an invoice, a slip, a receipt, a statement..."""

from __future__ import annotations

from kiosk.domain.delivery import DeliveredDocument, Delivery
from kiosk.domain.errors import NotFound
from kiosk.language.catalogue import Texts
from kiosk.services.statements import read_statement_reference


def delivered_document(delivery: Delivery, texts: Texts) -> str:
    """A short label of the document a delivery took to its customer ("Factura 1001")."""
    document = delivery.document
    reference = delivery.reference or ""
    if document is DeliveredDocument.PAYMENT_SLIP:
        return texts.format("delivered_slip", reference=reference)
    if document is DeliveredDocument.PAYMENT_RECEIPT:
        # A folio fiscal is 36 characters; its first block is enough to tell receipts apart.
        return texts.format("delivered_receipt", number=delivery.doc_num, folio=reference[:8])
    if document is DeliveredDocument.STATEMENT:
        try:
            period, _language = read_statement_reference(reference)
        except NotFound:  # the delivery failed for it, and says why
            return texts.format("delivered_statement", start="?", end="?")
        return texts.format(
            "delivered_statement", start=period.start.isoformat(), end=period.end.isoformat()
        )
    key = {
        DeliveredDocument.CFDI_XML: "delivered_xml",
        DeliveredDocument.DISPUTE: "delivered_dispute",
        DeliveredDocument.ENROLMENT_CODE: "enrol_delivered_code",
    }.get(document, "delivered_invoice")
    return texts.format(key, number=delivery.doc_num)
