"""Every SAP field name the kiosk uses, and the mapping between SAP JSON and domain values."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import msgspec
from msgspec import field

from kiosk.domain.billing_preference import BillingChannel
from kiosk.domain.credit_note import CreditNote
from kiosk.domain.customer import Address, Customer
from kiosk.domain.incoming_payment import IncomingPayment, PaymentAllocation
from kiosk.domain.invoice import InvoiceLine, SapDocumentStatus
from kiosk.domain.invoice_record import InvoiceRecord
from kiosk.domain.money import Money
from kiosk.services.ports.fiscal import StampedPayment
from kiosk.services.ports.sync import Pulled, SapCustomer

Payload = dict[str, Any]

INVOICES = "Invoices"
BUSINESS_PARTNERS = "BusinessPartners"
INCOMING_PAYMENTS = "IncomingPayments"
ACTIVITIES = "Activities"
ACTIVITY_KEY = "ActivityCode"
ATTACHMENTS = "Attachments2"

INVOICE_FIELDS = (
    "DocEntry", "DocNum", "CardCode", "CardName", "FederalTaxID", "DocDate", "DocDueDate",
    "TaxDate", "DocCurrency", "VatSum", "DocTotal", "PaidToDate", "DocumentStatus", "Cancelled",
    "NumAtCard", "Comments", "UpdateDate", "UpdateTime", "DataVersion", "DocumentLines",
)  # fmt: skip
BUSINESS_PARTNER_FIELDS = (
    "CardCode", "CardName", "FederalTaxID", "EmailAddress", "Phone1", "Address", "City",
    "ZipCode", "County", "Country", "BPAddresses", "UpdateDate", "UpdateTime", "DataVersion",
)  # fmt: skip
PAYMENT_FIELDS = (
    "DocEntry", "DocNum", "CardCode", "DocDate", "DocCurrency", "CashSum", "TransferSum",
    "TransferReference", "Cancelled", "PaymentInvoices",
)  # fmt: skip
PAYMENT_REFERENCE = "TransferReference"  # what the payer quoted: a kiosk reference, if any
CUSTOMERS_ONLY = "CardType eq 'cCustomer'"
CREDIT_NOTES = "CreditNotes"
CREDIT_NOTE_FIELDS = (
    "DocEntry", "DocNum", "CardCode", "DocDate", "DocCurrency", "DocTotal", "Cancelled",
    "CancelStatus", "DocumentLines",
)  # fmt: skip
# Cancelled: the cancelled document (csYes) and the cancellation document SAP makes (its
# reversal); neither moves a customer's balance.
CANCEL_STATUSES = ("csYes", "csCancellation")
ORDER_BY_KEY = {
    INVOICES: "DocEntry", BUSINESS_PARTNERS: "CardCode", INCOMING_PAYMENTS: "DocEntry",
    CREDIT_NOTES: "DocEntry",
}  # fmt: skip
INVOICE_OBJECT_TYPE = "13"
YES = "tYES"
OPEN = "bost_Open"
BILL_TO = "bo_BillTo"
_CURRENCY_CODE = re.compile(r"[A-Z]{3}")
_CHANNELS = {channel.value for channel in BillingChannel}
_ZERO = Decimal(0)


def select(fields: tuple[str, ...], *extra: str) -> str:
    return ",".join((*fields, *extra))


def quoted(text: str) -> str:
    """A string literal for $filter or a key: single quotes, inner quotes doubled."""
    return "'" + text.replace("'", "''") + "'"


def updated_since(day: date) -> str:
    """SAP compares UpdateDate by day only, so the filter is a whole-day overlap by nature."""
    return f"UpdateDate ge '{day.isoformat()}'"


def entry_above(doc_entry: int) -> str:
    return f"DocEntry gt {int(doc_entry)}"


def entry_between(after: int, up_to: int) -> str:
    """DocEntry greater than `after` and at most `up_to`."""
    return f"DocEntry gt {int(after)} and DocEntry le {int(up_to)}"


def reference_starts_with(prefix: str) -> str:
    return f"startswith({PAYMENT_REFERENCE},{quoted(prefix)})"


def entry_is_one_of(doc_entries: list[int]) -> str:
    return " or ".join(f"DocEntry eq {int(entry)}" for entry in doc_entries)


def parse_date(value: Any) -> date | None:
    """'2024-01-31' (v1) or '2024-01-31T00:00:00Z' (v2); the Z is cosmetic, dates are local."""
    if not value:
        return None
    return date.fromisoformat(str(value)[:10])


def parse_time(value: Any) -> time | None:
    """'HH:MM:SS' or 'HH:MM', server-local."""
    if not value:
        return None
    text = str(value)
    return time.fromisoformat(text if len(text) > 5 else f"{text}:00")


def decimal(value: Any) -> Decimal:
    """An exact Decimal from a JSON number read as Decimal or int, or a numeric string."""
    if value.__class__ is Decimal:
        return value
    if value is None:
        return _ZERO
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value) if isinstance(value, int) else Decimal(str(value))


def _updated_at(update_date: Any, update_time: Any) -> datetime | None:
    day = parse_date(update_date)
    if day is None:
        return None
    return datetime.combine(day, parse_time(update_time) or time())


def _text(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def _currency(value: Any, local_currency: str) -> str:
    text = str(value or "")
    return text if _CURRENCY_CODE.fullmatch(text) else local_currency


class SapInvoiceLine(msgspec.Struct):
    """A DocumentLines entry as SAP sends it, decoded straight from the bytes."""

    line_num: int | None = field(name="LineNum", default=None)
    item_code: str | None = field(name="ItemCode", default=None)
    description: str | None = field(name="ItemDescription", default=None)
    quantity: Decimal | None = field(name="Quantity", default=None)
    unit_price: Decimal | None = field(name="UnitPrice", default=None)
    discount_percent: Decimal | None = field(name="DiscountPercent", default=None)
    tax_code: str | None = field(name="TaxCode", default=None)
    vat_group: str | None = field(name="VatGroup", default=None)
    tax_percent: Decimal | None = field(name="TaxPercentagePerRow", default=None)
    tax_total: Decimal | None = field(name="TaxTotal", default=None)
    line_total: Decimal | None = field(name="LineTotal", default=None)


class SapInvoice(msgspec.Struct):
    """An invoice as SAP sends it: numbers exact (Decimal from the digits), dates as text."""

    doc_entry: int = field(name="DocEntry")
    doc_num: int = field(name="DocNum")
    card_code: str = field(name="CardCode")
    card_name: str | None = field(name="CardName", default=None)
    federal_tax_id: str | None = field(name="FederalTaxID", default=None)
    doc_date: str | None = field(name="DocDate", default=None)
    doc_due_date: str | None = field(name="DocDueDate", default=None)
    tax_date: str | None = field(name="TaxDate", default=None)
    doc_currency: str | None = field(name="DocCurrency", default=None)
    vat_sum: Decimal | None = field(name="VatSum", default=None)
    doc_total: Decimal | None = field(name="DocTotal", default=None)
    paid_to_date: Decimal | None = field(name="PaidToDate", default=None)
    document_status: str | None = field(name="DocumentStatus", default=None)
    cancelled: str | None = field(name="Cancelled", default=None)
    num_at_card: str | None = field(name="NumAtCard", default=None)
    comments: str | None = field(name="Comments", default=None)
    update_date: str | None = field(name="UpdateDate", default=None)
    update_time: str | None = field(name="UpdateTime", default=None)
    data_version: int | None = field(name="DataVersion", default=None)
    lines: list[SapInvoiceLine] = field(name="DocumentLines", default_factory=list)


def stamped_invoice_type(uuid_field: str, attachment_field: str) -> type[SapInvoice]:
    """SapInvoice plus where SAP B1 Mexico keeps a stamped CFDI, under the configured names:
    the folio fiscal (UUID) and the attachment entry that holds the XML."""
    stamped: type[SapInvoice] = msgspec.defstruct(  # type: ignore[assignment]
        "SapStampedInvoice",
        [
            ("fiscal_uuid", str | None, field(name=uuid_field, default=None)),
            # Some v1 answers send entry numbers as strings.
            ("fiscal_attachment", int | str | None, field(name=attachment_field, default=None)),
        ],
        bases=(SapInvoice,),
    )
    return stamped


def fiscal_uuid(value: Any) -> str | None:
    """A folio fiscal as the kiosk keeps it: canonical upper case, or None when absent."""
    text = str(value or "").strip().upper()
    return text or None


def entry_number(value: Any) -> int | None:
    """An entry number SAP sent as a number or a numeric string; None when absent."""
    if value in (None, "", 0, "0"):
        return None
    return int(value)


def invoice_from_sap(raw: SapInvoice, *, local_currency: str) -> Pulled[InvoiceRecord]:
    """An invoice from SAP's JSON, with the sync facts (UpdateDate/Time, DataVersion)."""
    total = _ZERO if raw.doc_total is None else raw.doc_total
    tax = _ZERO if raw.vat_sum is None else raw.vat_sum
    posted = parse_date(raw.doc_date)
    if posted is None:
        raise ValueError(f"invoice {raw.doc_entry} has no DocDate")
    invoice = InvoiceRecord(
        raw.doc_entry,
        raw.doc_num,
        raw.card_code,
        raw.card_name or "",
        raw.federal_tax_id or None,
        posted,
        parse_date(raw.doc_due_date) or posted,
        parse_date(raw.tax_date) or posted,
        _currency(raw.doc_currency, local_currency),
        total - tax,
        tax,
        total,
        _ZERO if raw.paid_to_date is None else raw.paid_to_date,
        SapDocumentStatus.OPEN if raw.document_status == OPEN else SapDocumentStatus.CLOSED,
        raw.cancelled == YES,
        raw.num_at_card or None,
        raw.comments or None,
        tuple([_invoice_line(index, line) for index, line in enumerate(raw.lines)]),
        fiscal_uuid(getattr(raw, "fiscal_uuid", None)),
        entry_number(getattr(raw, "fiscal_attachment", None)),
    )
    return Pulled(invoice, _updated_at(raw.update_date, raw.update_time), raw.data_version)


def _invoice_line(index: int, line: SapInvoiceLine) -> InvoiceLine:
    zero = _ZERO
    return InvoiceLine(
        index if line.line_num is None else line.line_num,
        line.item_code or None,
        line.description or "",
        zero if line.quantity is None else line.quantity,
        zero if line.unit_price is None else line.unit_price,
        zero if line.discount_percent is None else line.discount_percent,
        line.tax_code or line.vat_group or None,
        zero if line.tax_percent is None else line.tax_percent,
        zero if line.tax_total is None else line.tax_total,
        zero if line.line_total is None else line.line_total,
    )


def business_partner_from_payload(
    payload: Payload, *, channel_field: str, email_field: str
) -> Pulled[SapCustomer]:
    """A customer, with the billing preference fields SAP holds, from SAP's JSON."""
    bill_to: Payload = next(
        (a for a in payload.get("BPAddresses") or [] if a.get("AddressType") == BILL_TO), {}
    )
    customer = Customer(
        code=str(payload["CardCode"]),
        name=str(payload.get("CardName") or payload["CardCode"]),
        tax_id=_text(payload.get("FederalTaxID")),
        email=_text(payload.get("EmailAddress")),
        phone=_text(payload.get("Phone1")),
        address=Address(
            street=_text(bill_to.get("Street") or payload.get("Address")),
            city=_text(bill_to.get("City") or payload.get("City")),
            zip_code=_text(bill_to.get("ZipCode") or payload.get("ZipCode")),
            state=_text(bill_to.get("State") or payload.get("County")),
            country=_text(bill_to.get("Country") or payload.get("Country")),
        ),
    )
    raw_channel = payload.get(channel_field)
    channel = (
        BillingChannel(raw_channel) if raw_channel in BillingChannel._value2member_map_ else None
    )
    sap_customer = SapCustomer(customer, channel, _text(payload.get(email_field)))
    updated_at = _updated_at(payload.get("UpdateDate"), payload.get("UpdateTime"))
    return Pulled(sap_customer, updated_at, _data_version(payload))


def payment_from_payload(payload: Payload, *, local_currency: str) -> IncomingPayment:
    """An incoming payment from SAP's JSON; its amount is the sum of its means."""
    currency = _currency(payload.get("DocCurrency"), local_currency)
    paid_on = parse_date(payload.get("DocDate"))
    if paid_on is None:
        raise ValueError(f"payment {payload.get('DocEntry')} has no DocDate")
    return IncomingPayment(
        doc_entry=int(payload["DocEntry"]),
        doc_num=int(payload["DocNum"]),
        customer_code=str(payload["CardCode"]),
        payment_date=paid_on,
        amount=Money(
            decimal(payload.get("CashSum")) + decimal(payload.get("TransferSum")), currency
        ),
        reference=_text(payload.get(PAYMENT_REFERENCE)),
        cancelled=payload.get("Cancelled") == YES,
        allocations=tuple(
            PaymentAllocation(int(line["DocEntry"]), decimal(line.get("SumApplied")))
            for line in payload.get("PaymentInvoices") or []
        ),
    )


def billing_fields(
    channel: BillingChannel, email: str | None, *, channel_field: str, email_field: str
) -> Payload:
    """The business-partner PATCH body that records a billing preference (absolute values)."""
    return {channel_field: channel.value, email_field: email or ""}


def invoice_activity(
    doc_entry: int,
    doc_num: int,
    card_code: str,
    *,
    details: str,
    notes: str,
    reference: str,
    reference_field: str,
    at: datetime,
) -> Payload:
    """An Activity linked to an invoice (object type 13), carrying the kiosk's reference."""
    return {
        "CardCode": card_code,
        "ActivityProperty": "cn_Note",
        "ActivityDate": at.date().isoformat(),
        "ActivityTime": at.strftime("%H:%M:%S"),
        "DocType": INVOICE_OBJECT_TYPE,
        "DocEntry": str(doc_entry),
        "DocNum": str(doc_num),
        "Details": details[:254],
        "Notes": notes,
        "Closed": YES,
        reference_field: reference,
    }


def _data_version(payload: Payload) -> int | None:
    value = payload.get("DataVersion")
    return int(value) if value is not None else None


def stamped_payment(row: Payload, *, uuid_field: str, attachment: str) -> StampedPayment:
    """A payment SAP stamped as a CFDI de pago, with the invoices it pays."""
    return StampedPayment(
        doc_entry=int(row["DocEntry"]),
        uuid=fiscal_uuid(row.get(uuid_field)) or "",
        attachment=entry_number(row.get(attachment)),
        invoice_doc_entries=tuple(
            int(line["DocEntry"]) for line in row.get("PaymentInvoices") or []
        ),
    )


def attachment_file_name(entry: Payload, extension: str) -> str | None:
    """The full name of an attachment's first file with this extension ("FA5001.xml")."""
    for line in entry.get("Attachments2_Lines") or []:
        if str(line.get("FileExtension") or "").lower() == extension.lower():
            return f"{line.get('FileName')}.{line.get('FileExtension')}"
    return None


def credit_note(row: Payload, *, local_currency: str) -> CreditNote:
    """A credit note with the invoices its lines were copied from (BaseType 13); its total is
    read as an invoice's is (DocTotal, in DocCurrency or else the local currency)."""
    invoices = {
        int(line["BaseEntry"])
        for line in row.get("DocumentLines") or []
        if str(line.get("BaseType")) == INVOICE_OBJECT_TYPE and line.get("BaseEntry") is not None
    }
    posted = parse_date(row.get("DocDate"))
    if posted is None:
        raise ValueError(f"credit note {row.get('DocEntry')} has no DocDate")
    return CreditNote(
        doc_entry=int(row["DocEntry"]),
        doc_num=int(row["DocNum"]),
        customer_code=str(row["CardCode"]),
        posting_date=posted,
        total=Money(
            decimal(row.get("DocTotal")), _currency(row.get("DocCurrency"), local_currency)
        ),
        cancelled=row.get("Cancelled") == YES or row.get("CancelStatus") in CANCEL_STATUSES,
        invoice_entries=tuple(sorted(invoices)),
    )
