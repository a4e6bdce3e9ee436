"""The entity sets the emulator serves, their fields and kinds, keys and user-defined fields."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Kind(enum.Enum):
    """How a field's values are stored, filtered and rendered."""

    INT = "int"
    TEXT = "text"
    NUMBER = "number"  # Edm.Double on the wire, Decimal inside the emulator
    DATE = "date"
    TIME = "time"
    ENUM = "enum"
    COLLECTION = "collection"


@dataclass(frozen=True)
class Field:
    name: str
    kind: Kind
    # Enum members by name, with the short values SAP also accepts in filters ('C' = cCustomer).
    members: dict[str, str] = field(default_factory=dict)
    read_only: bool = False


@dataclass(frozen=True)
class EntityType:
    name: str
    fields: dict[str, Field]
    collections: dict[str, dict[str, Field]] = field(default_factory=dict)
    udf_table: str = ""


@dataclass(frozen=True)
class EntitySet:
    name: str
    type: EntityType
    key: str
    string_key: bool
    etag: bool
    deletable: bool
    navigation: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class UserField:
    """A UDF declared on a table (`Name` without the U_ prefix, as UserFieldsMD lists it)."""

    table: str
    name: str
    description: str
    size: int
    valid_values: tuple[tuple[str, str], ...] = ()


YES_NO = {"tYES": "Y", "tNO": "N"}
DOCUMENT_STATUS = {"bost_Open": "O", "bost_Close": "C", "bost_Paid": "P", "bost_Delivered": "D"}
# Where the electronic-document service (SAP B1 Mexico: the CFDI) stands; short values as in
# the Service Layer's metadata.
EDOC_STATUS = {
    "edoc_New": "0", "edoc_Pending": "1", "edoc_Sent": "2", "edoc_Error": "3", "edoc_Ok": "4",
}  # fmt: skip


def _electronic_document() -> list[Field]:
    """What SAP's electronic-document service writes on a document: the folio fiscal (UUID) in
    EDocNum, and its status. Only that service sets them, so clients cannot."""
    return [
        Field("EDocNum", Kind.TEXT, read_only=True),
        Field("EDocStatus", Kind.ENUM, EDOC_STATUS, read_only=True),
    ]


def _fields(*specs: Field) -> dict[str, Field]:
    return {spec.name: spec for spec in specs}


def _plain(kind: Kind, *names: str, read_only: bool = False) -> list[Field]:
    return [Field(name, kind, read_only=read_only) for name in names]


DOCUMENT_LINE = _fields(
    *_plain(Kind.INT, "LineNum", "DocEntry", "BaseType", "BaseEntry", "BaseLine"),
    *_plain(Kind.TEXT, "ItemCode", "ItemDescription", "TaxCode", "VatGroup", "Currency",
            "WarehouseCode", "AccountCode", "UoMCode"),
    *_plain(Kind.NUMBER, "Quantity", "UnitPrice", "Price", "PriceAfterVAT", "DiscountPercent",
            "LineTotal", "TaxTotal", "TaxPercentagePerRow", "GrossTotal"),
    Field("LineStatus", Kind.ENUM, DOCUMENT_STATUS),
)  # fmt: skip

DOCUMENT = EntityType(
    "Document",
    _fields(
        *_plain(Kind.INT, "DocEntry", "DocNum", "DataVersion", "Series", read_only=True),
        Field("AttachmentEntry", Kind.INT),
        *_plain(Kind.TEXT, "CardCode", "CardName", "NumAtCard", "Comments", "DocCurrency",
                "FederalTaxID", "Address", "JournalMemo", "DocObjectCode"),
        *_electronic_document(),
        *_plain(Kind.NUMBER, "DocTotal", "VatSum", "DiscountPercent", "TotalDiscount",
                "PaidToDate", "DocRate"),
        *_plain(Kind.DATE, "DocDate", "DocDueDate", "TaxDate"),
        *_plain(Kind.DATE, "CreationDate", "UpdateDate", read_only=True),
        *_plain(Kind.TIME, "UpdateTime", "DocTime", read_only=True),
        Field("DocType", Kind.ENUM, {"dDocument_Items": "I", "dDocument_Service": "S"}),
        Field("DocumentStatus", Kind.ENUM, DOCUMENT_STATUS, read_only=True),
        Field("Cancelled", Kind.ENUM, YES_NO, read_only=True),
        Field("CancelStatus", Kind.ENUM, {"csNo": "N", "csYes": "Y", "csCancellation": "C"}),
        Field("DocumentLines", Kind.COLLECTION),
    ),
    {"DocumentLines": DOCUMENT_LINE},
    udf_table="OINV",
)  # fmt: skip

BP_ADDRESS = _fields(
    *_plain(Kind.TEXT, "AddressName", "Street", "Block", "City", "ZipCode", "County", "State",
            "Country", "BPCode"),
    *_plain(Kind.INT, "RowNum"),
    Field("AddressType", Kind.ENUM, {"bo_BillTo": "B", "bo_ShipTo": "S"}),
)  # fmt: skip

BUSINESS_PARTNER = EntityType(
    "BusinessPartner",
    _fields(
        Field("CardCode", Kind.TEXT),
        *_plain(Kind.TEXT, "CardName", "CardForeignName", "FederalTaxID", "EmailAddress",
                "Phone1", "Phone2", "Cellular", "Address", "City", "ZipCode", "County",
                "Country", "Currency", "Notes"),
        *_plain(Kind.NUMBER, "CreditLimit", "CurrentAccountBalance"),
        *_plain(Kind.INT, "GroupCode", "PayTermsGrpCode"),
        *_plain(Kind.DATE, "CreateDate", "UpdateDate", read_only=True),
        *_plain(Kind.TIME, "CreateTime", "UpdateTime", read_only=True),
        Field("DataVersion", Kind.INT, read_only=True),
        Field("CardType", Kind.ENUM, {"cCustomer": "C", "cSupplier": "S", "cLid": "L"}),
        Field("Valid", Kind.ENUM, YES_NO),
        Field("Frozen", Kind.ENUM, YES_NO),
        Field("BPAddresses", Kind.COLLECTION),
    ),
    {"BPAddresses": BP_ADDRESS},
    udf_table="OCRD",
)  # fmt: skip

PAYMENT_INVOICE = _fields(
    *_plain(Kind.INT, "LineNum", "DocEntry", "DocNum", "DocLine", "InstallmentId"),
    *_plain(Kind.NUMBER, "SumApplied", "AppliedFC", "AppliedSys", "DiscountPercent"),
    Field("InvoiceType", Kind.ENUM, {
        "it_Invoice": "13", "it_CredItnote": "14", "it_DownPayment": "203",
        "it_JournalEntry": "30", "it_Receipt": "24", "it_PaymentAdvice": "46",
    }),
)  # fmt: skip

# No UpdateDate or UpdateTime: the Service Layer's Payment type does not expose them, so
# payments are followed by DocEntry (new ones) and by full reconciliation (cancellations).
PAYMENT = EntityType(
    "Payment",
    _fields(
        *_plain(Kind.INT, "DocEntry", "DocNum", "Series", read_only=True),
        Field("AttachmentEntry", Kind.INT),
        *_plain(Kind.TEXT, "CardCode", "CardName", "DocCurrency", "CashAccount",
                "TransferAccount", "TransferReference", "CounterReference", "Remarks",
                "JournalRemarks", "Reference1", "Reference2"),
        *_electronic_document(),
        *_plain(Kind.NUMBER, "CashSum", "TransferSum", "DocRate"),
        *_plain(Kind.DATE, "DocDate", "DueDate", "TaxDate", "TransferDate"),
        Field("DocType", Kind.ENUM, {"rCustomer": "C", "rSupplier": "S", "rAccount": "A"}),
        Field("Cancelled", Kind.ENUM, YES_NO, read_only=True),
        Field("PaymentInvoices", Kind.COLLECTION),
    ),
    {"PaymentInvoices": PAYMENT_INVOICE},
    udf_table="ORCT",
)  # fmt: skip

ACTIVITY = EntityType(
    "Activity",
    _fields(
        Field("ActivityCode", Kind.INT, read_only=True),
        *_plain(Kind.TEXT, "CardCode", "DocType", "DocEntry", "DocNum", "Details", "Notes",
                "HandledBy"),
        *_plain(Kind.INT, "ActivityType", "Subject", "ContactPersonCode"),
        *_plain(Kind.DATE, "ActivityDate", "StartDate", "EndDueDate", "CloseDate"),
        *_plain(Kind.TIME, "ActivityTime", "StartTime", "EndTime"),
        Field("DataVersion", Kind.INT, read_only=True),
        Field("ActivityProperty", Kind.ENUM, {
            "cn_Conversation": "C", "cn_Meeting": "M", "cn_Task": "T", "cn_Note": "N",
            "cn_Other": "O", "cn_Campaign": "P",
        }),
        Field("Priority", Kind.ENUM, {"pr_Low": "0", "pr_Normal": "1", "pr_High": "2"}),
        Field("Closed", Kind.ENUM, YES_NO),
    ),
    udf_table="OCLG",
)  # fmt: skip

ATTACHMENT_LINE = _fields(
    *_plain(Kind.INT, "LineNum", "UserID"),
    *_plain(Kind.TEXT, "SourcePath", "FileName", "FileExtension", "FreeText"),
    Field("AttachmentDate", Kind.DATE),
    Field("Override", Kind.ENUM, YES_NO),
)  # fmt: skip

# ATC1: no DataVersion, so no ETag; files go in as multipart uploads and out as $value.
ATTACHMENT = EntityType(
    "Attachments2",
    _fields(
        Field("AbsoluteEntry", Kind.INT, read_only=True),
        Field("Attachments2_Lines", Kind.COLLECTION),
    ),
    {"Attachments2_Lines": ATTACHMENT_LINE},
)

ENTITY_SETS = {
    entity_set.name: entity_set
    for entity_set in (
        EntitySet("Invoices", DOCUMENT, "DocEntry", False, True, False,
                  {"BusinessPartner": "BusinessPartners"}),
        EntitySet("CreditNotes", DOCUMENT, "DocEntry", False, True, False,
                  {"BusinessPartner": "BusinessPartners"}),
        EntitySet("BusinessPartners", BUSINESS_PARTNER, "CardCode", True, True, True),
        EntitySet("IncomingPayments", PAYMENT, "DocEntry", False, False, False),
        EntitySet("Activities", ACTIVITY, "ActivityCode", False, True, True),
        EntitySet("Attachments2", ATTACHMENT, "AbsoluteEntry", False, False, False),
    )
}  # fmt: skip

# What the demo company declares; tests may add more.
DEFAULT_USER_FIELDS = (
    UserField("OCRD", "BillingChannel", "Billing channel", 10,
              (("PAPER", "Paper"), ("EMAIL", "E-mail"), ("BOTH", "Paper and e-mail"))),
    UserField("OCRD", "BillingEmail", "Billing e-mail", 254),
    UserField("OCRD", "KioskRef", "Kiosk reference", 50),
    UserField("OCRD", "EBillIncentive", "E-billing incentive", 100),
    UserField("OCRD", "EBillIncentiveDate", "E-billing incentive date", 10),
    UserField("OINV", "KioskRef", "Kiosk reference", 50),
    UserField("ORCT", "KioskRef", "Kiosk reference", 50),
    UserField("OCLG", "KioskRef", "Kiosk reference", 50),
)  # fmt: skip
