"""Pages read straight from SAP's bytes: exact amounts, both next-link keys, wrong types named."""

from __future__ import annotations

from decimal import Decimal

import pytest
import requests

from kiosk.sap_b1.config import ServiceLayerConfig
from kiosk.sap_b1.paging import RAW_RECORDS, page_decoder
from kiosk.sap_b1.payloads import SapInvoice, invoice_from_sap
from kiosk.sap_b1.session import ServiceLayerSession
from kiosk.services.errors import ExternalRejected, ExternalUnavailable

INVOICE_PAGE = page_decoder(SapInvoice)
# 19 significant digits: a binary float would keep only about 16 of them.
PAGE = b"""{"odata.metadata": "x", "value": [{"DocEntry": 7, "DocNum": 1007, "CardCode": "C1",
  "DocDate": "2026-03-02", "DocTotal": 1234567890123.123456, "VatSum": 0.1, "PaidToDate": 0,
  "DocumentLines": [{"LineNum": 0, "Quantity": 3, "LineTotal": 1234567890123.123456,
  "UnitPrice": null}]}], "odata.nextLink": "Invoices?$skip=20"}"""


def response(body: bytes) -> requests.Response:
    answer = requests.Response()
    answer.status_code, answer._content = 200, body
    return answer


@pytest.fixture
def session() -> ServiceLayerSession:
    return ServiceLayerSession(ServiceLayerConfig("http://127.0.0.1:9/b1s/v1/", "DB", "u", "p"))


def test_amounts_keep_every_digit_and_missing_ones_are_zero(session: ServiceLayerSession) -> None:
    page = session.decode(response(PAGE), INVOICE_PAGE, "read invoices")
    invoice = invoice_from_sap(page.value[0], local_currency="MXN").value

    assert invoice.total == Decimal("1234567890123.123456")
    assert invoice.net_total == Decimal("1234567890123.023456")
    assert invoice.lines[0].line_total == Decimal("1234567890123.123456")
    assert invoice.lines[0].unit_price == Decimal(0) and invoice.lines[0].quantity == 3
    assert page.v1_next_link == "Invoices?$skip=20" and page.next_link is None


def test_untyped_records_read_fractions_as_decimal(session: ServiceLayerSession) -> None:
    body = b'{"value": [{"CashSum": 0.1, "DocEntry": 3}], "@odata.nextLink": "x"}'

    page = session.decode(response(body), RAW_RECORDS, "read incoming payments")

    assert page.value == [{"CashSum": Decimal("0.1"), "DocEntry": 3}] and page.next_link == "x"


def test_a_value_of_the_wrong_type_is_named_with_its_place(session: ServiceLayerSession) -> None:
    body = PAGE.replace(b'"DocNum": 1007', b'"DocNum": "1007-A"')

    with pytest.raises(ExternalRejected, match=r"read invoices .* `\$\.value\[0\]\.DocNum`"):
        session.decode(response(body), INVOICE_PAGE, "read invoices")


def test_an_html_error_page_is_not_json(session: ServiceLayerSession) -> None:
    with pytest.raises(ExternalUnavailable, match="read invoices with something that is not JSON"):
        session.decode(response(b"<html>502 Bad Gateway</html>"), INVOICE_PAGE, "read invoices")
