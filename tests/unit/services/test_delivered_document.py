"""Staff read what each delivery carried, whatever the document: the label names it."""

from __future__ import annotations

from datetime import datetime

import pytest

from kiosk.domain.delivery import (
    DeliveredDocument,
    Delivery,
    DeliveryChannel,
    DeliveryReason,
    DeliveryState,
)
from kiosk.language.catalogue import Texts
from kiosk.services.delivered_document import delivered_document

FOLIO = "5FB2822E-396D-4725-8521-CDC4BDD20CCF"


def delivery(document: DeliveredDocument, reference: str | None = None) -> Delivery:
    return Delivery(
        id=1, doc_entry=7, doc_num=1007, customer_code="C1", channel=DeliveryChannel.EMAIL,
        reason=DeliveryReason.REQUESTED, destination="ana@example.mx",
        state=DeliveryState.SENT, requested_by="kiosk", created_at=datetime(2026, 12, 1, 9),
        document=document, reference=reference,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("document", "reference", "spanish", "english"),
    [
        (DeliveredDocument.INVOICE, None, "Factura 1007", "Invoice 1007"),
        (DeliveredDocument.PAYMENT_SLIP, "K01-000042", "Ficha de pago K01-000042",
         "Payment slip K01-000042"),
        (DeliveredDocument.PAYMENT_RECEIPT, FOLIO, "Recibo de pago 5FB2822E… (factura 1007)",
         "Payment receipt 5FB2822E… (invoice 1007)"),
        (DeliveredDocument.CFDI_XML, None, "XML de la factura 1007", "XML of invoice 1007"),
        (DeliveredDocument.DISPUTE, "12", "Aviso de disputa, factura 1007",
         "Dispute notice, invoice 1007"),
        (DeliveredDocument.STATEMENT, "2026-09-02:2026-12-01:es",
         "Estado de cuenta del 2026-09-02 al 2026-12-01",
         "Statement from 2026-09-02 to 2026-12-01"),
    ],
)  # fmt: skip
def test_each_document_is_named_in_both_languages(
    document: DeliveredDocument, reference: str | None, spanish: str, english: str
) -> None:
    sent = delivery(document, reference)

    assert delivered_document(sent, Texts("es")) == spanish
    assert delivered_document(sent, Texts("en")) == english
