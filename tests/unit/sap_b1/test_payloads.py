"""SAP JSON to domain values: both date formats, exact numbers, currencies, billing fields."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

import msgspec
import pytest

from kiosk.domain.billing_preference import BillingChannel
from kiosk.domain.invoice import SapDocumentStatus
from kiosk.sap_b1 import payloads
from kiosk.sap_b1.paging import query_string

V2_INVOICE = """{
  "@odata.etag": "W/\\"356A\\"", "DocEntry": 512, "DocNum": 1000512,
  "DocDate": "2026-03-02T00:00:00Z", "DocDueDate": "2026-04-01T00:00:00Z",
  "TaxDate": "2026-03-02T00:00:00Z", "CardCode": "C20000", "CardName": "Norm Thompson",
  "NumAtCard": "PO-4711", "DocTotal": 1190.0, "VatSum": 190.0, "PaidToDate": 0.1,
  "DocCurrency": "$", "DocumentStatus": "bost_Open", "Cancelled": "tNO",
  "UpdateDate": "2026-03-02T00:00:00Z", "UpdateTime": "14:05:33", "DataVersion": 3,
  "DocumentLines": [{"LineNum": 0, "ItemCode": "A00001", "ItemDescription": "Officeprint",
    "Quantity": 2.0, "UnitPrice": 500.0, "DiscountPercent": 0.0, "LineTotal": 1000.0,
    "TaxCode": null, "VatGroup": "S1", "TaxTotal": 190.0, "TaxPercentagePerRow": 19.0}]
}"""


def sap_invoice(text: str) -> payloads.SapInvoice:
    return msgspec.json.decode(text, type=payloads.SapInvoice)


def test_v2_invoice_maps_to_kiosk_values_exactly():
    pulled = payloads.invoice_from_sap(sap_invoice(V2_INVOICE), local_currency="MXN")
    invoice = pulled.value

    assert (invoice.doc_entry, invoice.doc_num, invoice.customer_code) == (512, 1000512, "C20000")
    assert invoice.posting_date == date(2026, 3, 2) and invoice.due_date == date(2026, 4, 1)
    assert invoice.currency == "MXN"  # SAP's "$" is the local currency
    assert invoice.total == Decimal("1190.0") and invoice.net_total == Decimal("1000.0")
    assert invoice.paid_to_date == Decimal("0.1")
    assert invoice.sap_status is SapDocumentStatus.OPEN and not invoice.cancelled
    assert invoice.lines[0].tax_code == "S1" and invoice.lines[0].tax_percent == Decimal("19.0")
    assert pulled.updated_at == datetime(2026, 3, 2, 14, 5, 33) and pulled.data_version == 3


def test_v1_dates_read_the_same():
    v1 = sap_invoice(V2_INVOICE.replace("T00:00:00Z", ""))

    assert payloads.invoice_from_sap(v1, local_currency="MXN").value.posting_date == date(
        2026, 3, 2
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [("14:05:33", time(14, 5, 33)), ("14:05", time(14, 5)), (None, None), ("", None)],
)
def test_times(value, expected):
    assert payloads.parse_time(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(Decimal("0.1"), "0.1"), (3, "3"), ("1234.567", "1234.567"), (0.1, "0.1"), (None, "0")],
)
def test_decimals_never_pass_through_binary_floats(value, expected):
    assert str(payloads.decimal(value)) == expected


def test_business_partner_prefers_the_bill_to_address_and_reads_billing_udfs():
    payload = {
        "CardCode": "C1", "CardName": "Ferretería Núñez", "FederalTaxID": "FNU010101AB1",
        "Address": "Header street", "City": "Header city", "Country": "MX",
        "BPAddresses": [
            {"AddressType": "bo_ShipTo", "Street": "Bodega", "City": "León"},
            {"AddressType": "bo_BillTo", "Street": "Av. Juárez 1", "City": "Puebla",
             "ZipCode": "72000", "State": "Puebla", "Country": "MX"},
        ],
        "U_Canal": "BOTH", "U_Correo": "pagos@fnu.mx", "UpdateDate": "2026-01-01",
        "UpdateTime": "08:00:00", "DataVersion": 4,
    }  # fmt: skip

    pulled = payloads.business_partner_from_payload(
        payload, channel_field="U_Canal", email_field="U_Correo"
    )

    customer = pulled.value.customer
    assert customer.address.street == "Av. Juárez 1" and customer.address.state == "Puebla"
    assert pulled.value.billing_channel is BillingChannel.BOTH
    assert pulled.value.billing_email == "pagos@fnu.mx"


def test_unknown_billing_channel_value_is_no_preference():
    pulled = payloads.business_partner_from_payload(
        {"CardCode": "C1", "U_BillingChannel": "FAX"},
        channel_field="U_BillingChannel",
        email_field="U_BillingEmail",
    )

    assert pulled.value.billing_channel is None and pulled.updated_at is None


def test_payment_amount_is_the_sum_of_its_means():
    payment = payloads.payment_from_payload(
        {
            "DocEntry": 9, "DocNum": 900009, "CardCode": "C1", "DocDate": "2026-05-01",
            "CashSum": Decimal("100.10"), "TransferSum": Decimal("0.20"), "DocCurrency": "MXN",
            "TransferReference": "SPEI-1", "Cancelled": "tNO",
            "PaymentInvoices": [{"DocEntry": 4, "SumApplied": Decimal("100.30")}],
        },
        local_currency="MXN",
    )  # fmt: skip

    assert str(payment.amount.amount) == "100.30"
    assert payment.invoice_doc_entries == (4,)


def test_literals_and_query_encoding():
    assert payloads.quoted("O'Brien") == "'O''Brien'"
    encoded = query_string({"$filter": "UpdateDate ge '2026-01-01'", "$select": "DocEntry,DocNum"})
    assert encoded == "$filter=UpdateDate%20ge%20'2026-01-01'&$select=DocEntry,DocNum"


def credit_note_row(**changes) -> dict:
    row = {
        "DocEntry": 7, "DocNum": 500007, "CardCode": "C1", "DocDate": "2026-05-04T00:00:00Z",
        "DocCurrency": "$", "DocTotal": Decimal("1682.01"), "Cancelled": "tNO",
        "CancelStatus": "csNo",
        "DocumentLines": [
            {"LineNum": 0, "BaseType": 13, "BaseEntry": 351, "BaseLine": 0},
            {"LineNum": 1, "BaseType": 13, "BaseEntry": 12, "BaseLine": 2},
            {"LineNum": 2, "BaseType": 13, "BaseEntry": 351, "BaseLine": 1},
            {"LineNum": 3, "BaseType": 17, "BaseEntry": 40, "BaseLine": 0},  # a sales order
            {"LineNum": 4, "BaseType": -1, "BaseEntry": None},
        ],
    }  # fmt: skip
    return {**row, **changes}


def test_a_credit_note_is_read_as_an_invoice_is_with_the_invoices_it_credits():
    note = payloads.credit_note(credit_note_row(), local_currency="MXN")

    assert (note.doc_entry, note.doc_num, note.customer_code) == (7, 500007, "C1")
    assert note.posting_date == date(2026, 5, 4)
    assert note.total.currency == "MXN"  # SAP's "$" is the local currency
    assert str(note.total.amount) == "1682.01"
    assert note.invoice_entries == (12, 351) and note.cancelled is False


@pytest.mark.parametrize(
    ("cancelled", "status", "expected"),
    [
        ("tYES", "csYes", True),
        ("tNO", "csCancellation", True),  # the cancellation document SAP makes
        ("tNO", "csNo", False),
    ],
)
def test_a_credit_note_counts_as_cancelled_when_either_field_says_so(cancelled, status, expected):
    row = credit_note_row(Cancelled=cancelled, CancelStatus=status)

    assert payloads.credit_note(row, local_currency="MXN").cancelled is expected


def test_a_credit_note_in_dollars_keeps_its_currency_and_refuses_a_missing_date():
    row = credit_note_row(DocCurrency="USD", DocTotal=100, DocumentLines=[])
    note = payloads.credit_note(row, local_currency="MXN")
    assert note.total.amount == Decimal(100) and note.total.currency == "USD"
    assert note.invoice_entries == ()

    with pytest.raises(ValueError, match="credit note 7 has no DocDate"):
        payloads.credit_note(credit_note_row(DocDate=None), local_currency="MXN")


def test_a_range_of_doc_entries_is_above_one_and_up_to_the_other():
    assert payloads.entry_between(100, 5100) == "DocEntry gt 100 and DocEntry le 5100"
