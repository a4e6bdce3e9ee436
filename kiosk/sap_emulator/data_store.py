"""The emulated company database: entity records and the business rules SAP applies on writes."""

from __future__ import annotations

import bisect
import hashlib
import itertools
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from kiosk.sap_emulator.clock import EmulatorClock
from kiosk.sap_emulator.errors import (
    ServiceLayerFault,
    entity_not_found,
    etag_mismatch,
    invalid_property,
    not_found,
    not_supported,
    unknown_body_property,
)
from kiosk.sap_emulator.odata_filter import parse_filter
from kiosk.sap_emulator.schema import (
    DEFAULT_USER_FIELDS,
    ENTITY_SETS,
    EntitySet,
    Field,
    Kind,
    UserField,
)

Record = dict[str, Any]
CENT = Decimal("0.01")
TAX_RATES = {"IVA16": Decimal(16), "IVA8": Decimal(8), "IVA0": Decimal(0), "EXE": Decimal(0)}
DOCUMENT_SETS = {"Invoices": "oInvoices", "CreditNotes": "oCreditNotes"}
# The demo company's payment terms (PaymentTermsTypes) by GroupNumber, in days; -1 is SAP's
# "cash basic". A partner without terms gets 30 days.
PAYMENT_TERM_DAYS = {-1: 0, 1: 30, 2: 60}
ATTACHMENTS = "Attachments2"
ATTACHMENTS_FOLDER = r"\\SAPB1\B1_SHF\Attachments"
_EDITABLE_DOCUMENT_FIELDS = {"Comments", "NumAtCard", "JournalMemo", "AttachmentEntry"}
_COLLECTION_KEYS = {
    "DocumentLines": "LineNum",
    "BPAddresses": "AddressName",
    "PaymentInvoices": "LineNum",
    "Attachments2_Lines": "LineNum",
}
_REVISION = "__revision"  # internal: changes on every write, keys the render cache
_BUILT_FILES_KEPT = 2048

FileContent = bytes | Callable[[], bytes]
"""An attachment line's bytes, or how to make them on first download (the demo's CFDI XML)."""


def etag_of(record: Record) -> str:
    """SAP's weak ETag: the upper-case SHA-1 of the DataVersion."""
    digest = hashlib.sha1(str(record.get("DataVersion", 0)).encode(), usedforsecurity=False)
    return f'W/"{digest.hexdigest().upper()}"'


_KEY_RANGE = re.compile(r"^(?P<key>\w+) ge (?P<low>\d+) and (?P=key) le (?P<high>\d+)$")


class EmulatorData:
    """All records of the emulated company, guarded by one lock; records are copied on write."""

    def __init__(
        self,
        clock: EmulatorClock | None = None,
        user_fields: Iterable[UserField] = DEFAULT_USER_FIELDS,
    ) -> None:
        self.clock = clock or EmulatorClock()
        self.user_fields = list(user_fields)
        self._lock = threading.RLock()
        self._records: dict[str, dict[Any, Record]] = {name: {} for name in ENTITY_SETS}
        self._next_entry = dict.fromkeys(ENTITY_SETS, 1)
        self._next_number = {"Invoices": 100001, "CreditNotes": 500001, "IncomingPayments": 900001}
        self._revisions = itertools.count(1)
        self._generation = 0
        self._query_cache: dict[tuple[Any, ...], list[Record]] = {}
        self._keys_of: tuple[list[Record], list[int]] = ([], [])
        self._fields: dict[str, dict[str, Field]] = {}
        self._files: dict[tuple[int, int], FileContent] = {}  # by AbsoluteEntry and LineNum
        self._built_files: dict[tuple[int, int], bytes] = {}
        # What each credit note took off the invoices it was copied from, to give back on Cancel.
        self._credited: dict[int, list[tuple[int, Decimal]]] = {}
        # Whether posting a payment also stamps the invoice's UpdateDate/UpdateTime is not
        # verified on a real system (reference section 7); by default it does not, the harder
        # case for sync. DataVersion and PaidToDate change either way.
        self.payments_touch_invoice_update_date = False

    # --- schema ----------------------------------------------------------------------------

    def fields_of(self, set_name: str) -> dict[str, Field]:
        """The set's fields, including the UDFs declared on its table."""
        if set_name not in self._fields:
            entity_set = ENTITY_SETS[set_name]
            udfs = {
                f"U_{udf.name}": Field(f"U_{udf.name}", Kind.TEXT)
                for udf in self.user_fields
                if udf.table == entity_set.type.udf_table
            }
            self._fields[set_name] = {**entity_set.type.fields, **udfs}
        return self._fields[set_name]

    def user_field(self, set_name: str, name: str) -> UserField | None:
        table = ENTITY_SETS[set_name].type.udf_table
        return next(
            (u for u in self.user_fields if u.table == table and f"U_{u.name}" == name), None
        )

    # --- reads -----------------------------------------------------------------------------

    def get(self, set_name: str, key: Any) -> Record:
        with self._lock:
            record = self._records[set_name].get(key)
        if record is None:
            raise not_found()
        return record

    def query(
        self, set_name: str, filter_text: str | None, order_by: list[tuple[str, bool]], fold: bool
    ) -> list[Record]:
        """Every record matching the filter, in order; cached until the next write."""
        cache_key = (set_name, filter_text, tuple(order_by), fold, self._generation)
        cached = self._query_cache.get(cache_key)
        if cached is not None:
            return cached
        key_range = _KEY_RANGE.match(filter_text or "")
        if (
            key_range
            and key_range["key"] == ENTITY_SETS[set_name].key
            and order_by == [(key_range["key"], False)]
        ):
            # A window of keys, as a parallel download asks for: SAP answers it from its index,
            # so the emulator must not scan every record for it either.
            everything = self.query(set_name, None, order_by, fold)
            listed, keys = self._keys_of
            if listed is not everything:  # the keys of one listing at a time
                keys = [int(row[key_range["key"]]) for row in everything]
                self._keys_of = (everything, keys)
            low, high = int(key_range["low"]), int(key_range["high"])
            return everything[bisect.bisect_left(keys, low) : bisect.bisect_right(keys, high)]
        fields = self.fields_of(set_name)
        predicate = (
            parse_filter(filter_text, fields, case_insensitive=fold) if filter_text else None
        )
        for name, _descending in order_by:
            if name not in fields or fields[name].kind is Kind.COLLECTION:
                raise invalid_property(name)
        with self._lock:
            generation = self._generation
            rows = list(self._records[set_name].values())
        if predicate is not None:
            rows = [row for row in rows if predicate(row)]
        key = ENTITY_SETS[set_name].key
        rows.sort(key=lambda row: _sort_value(row.get(key)))
        for name, descending in reversed(order_by):
            rows.sort(key=_field_sort_key(name), reverse=descending)
        if len(self._query_cache) > 64:
            self._query_cache.clear()
        self._query_cache[(set_name, filter_text, tuple(order_by), fold, generation)] = rows
        return rows

    def count(self, set_name: str) -> int:
        with self._lock:
            return len(self._records[set_name])

    def attachment_file(self, entry: int, file_name: str | None) -> tuple[str, bytes]:
        """An attachment line's full name ("FA5001.xml") and bytes: the named line, else the
        first; 404 when the entry or the name is not there."""
        with self._lock:
            record = self._records[ATTACHMENTS].get(entry)
            lines = (record or {}).get("Attachments2_Lines") or []
            line = next((line for line in lines if file_name in (None, _full_name(line))), None)
            if line is None:
                raise not_found()
            key = (entry, line["LineNum"])
            content = self._built_files.get(key) or self._files.get(key, b"")
        if callable(content):
            content = content()
            with self._lock:
                if len(self._built_files) >= _BUILT_FILES_KEPT:
                    self._built_files.clear()
                self._built_files[key] = content
        return _full_name(line), content

    # --- writes ----------------------------------------------------------------------------

    def create(self, set_name: str, body: dict[str, Any]) -> Record:
        """Create a record the way SAP does, filling in what the server assigns."""
        entity_set = ENTITY_SETS[set_name]
        record = self._read_body(set_name, body, creating=True)
        with self._lock:
            now = self.clock.now()
            if set_name in DOCUMENT_SETS:
                self._complete_document(set_name, record, now)
                if set_name == "CreditNotes":
                    self._credit_base_invoices(record, now)
            elif set_name == "BusinessPartners":
                self._complete_business_partner(record, now)
            elif set_name == "IncomingPayments":
                self._post_payment(record, now)
            elif set_name == "Activities":
                self._complete_activity(record, now)
            elif set_name == ATTACHMENTS:
                self._complete_attachment(record, now)
            self._store(entity_set, record)
        return record

    def add_attachment(self, files: Sequence[tuple[str, FileContent]]) -> Record:
        """A new Attachments2 entry holding these files ("FA5001.xml"), as an upload makes it."""
        record: Record = {"Attachments2_Lines": [_attachment_line(name) for name, _ in files]}
        with self._lock:
            self._complete_attachment(record, self.clock.now())
            for line, (_, content) in zip(record["Attachments2_Lines"], files, strict=True):
                self._files[(record["AbsoluteEntry"], line["LineNum"])] = content
            self._store(ENTITY_SETS[ATTACHMENTS], record)
        return record

    def attach_files(self, entry: int, files: Sequence[tuple[str, bytes]]) -> None:
        """PATCH Attachments2(n) with files: one with a line's name replaces it, others append."""
        with self._lock:
            current = self._existing(ATTACHMENTS, entry)
            lines = [dict(line) for line in current.get("Attachments2_Lines") or []]
            today = self.clock.now().date()
            for name, content in files:
                line = next((line for line in lines if _full_name(line) == name), None)
                if line is None:
                    line = _attachment_line(name)
                    _complete_attachment_line(line, len(lines), today)
                    lines.append(line)
                line["AttachmentDate"] = today
                key = (entry, line["LineNum"])
                self._files[key] = content
                self._built_files.pop(key, None)
            self._store(ENTITY_SETS[ATTACHMENTS], dict(current, Attachments2_Lines=lines))

    def record_electronic_document(
        self, set_name: str, key: Any, edoc_num: str, attachment_entry: int
    ) -> Record:
        """What the electronic-document service writes back once the PAC stamped a document:
        the folio fiscal, status edoc_Ok, and the attachment holding the stamped XML."""
        with self._lock:
            updated = dict(
                self._existing(set_name, key),
                EDocNum=edoc_num,
                EDocStatus="edoc_Ok",
                AttachmentEntry=attachment_entry,
            )
            if set_name in DOCUMENT_SETS:
                self._touch(updated, self.clock.now())
            self._store(ENTITY_SETS[set_name], updated)
        return updated

    def patch(
        self,
        set_name: str,
        key: Any,
        body: dict[str, Any],
        *,
        if_match: str | None = None,
        replace_collections: bool = False,
    ) -> None:
        """Merge the body into a record: collections by their key unless replaced."""
        entity_set = ENTITY_SETS[set_name]
        changes = self._read_body(set_name, body, creating=False)
        with self._lock:
            current = self._existing(set_name, key)
            _check_etag(entity_set, current, if_match)
            if set_name in DOCUMENT_SETS:
                for name in changes:
                    if name not in _EDITABLE_DOCUMENT_FIELDS and not name.startswith("U_"):
                        raise ServiceLayerFault(400, -5002, f"Field '{name}' cannot be updated")
            updated = dict(current)
            for name, value in changes.items():
                if isinstance(value, list) and not replace_collections:
                    updated[name] = _merge_collection(name, current.get(name) or [], value)
                else:
                    updated[name] = value
            if set_name == "BusinessPartners":
                _number_addresses(updated)
            self._touch(updated, self.clock.now())
            self._store(entity_set, updated)

    def delete(self, set_name: str, key: Any, *, if_match: str | None = None) -> None:
        entity_set = ENTITY_SETS[set_name]
        with self._lock:
            current = self._existing(set_name, key)
            if not entity_set.deletable:
                raise not_supported()
            _check_etag(entity_set, current, if_match)
            del self._records[set_name][key]
            self._generation += 1

    def cancel(self, set_name: str, key: Any, *, if_match: str | None = None) -> None:
        """POST Set(key)/Cancel: cancel a document or a payment."""
        entity_set = ENTITY_SETS[set_name]
        with self._lock:
            current = self._existing(set_name, key)
            _check_etag(entity_set, current, if_match)
            now = self.clock.now()
            if current.get("Cancelled") == "tYES":
                raise ServiceLayerFault(400, -5002, "Document is already cancelled")
            updated = dict(current, Cancelled="tYES")
            if set_name in DOCUMENT_SETS:
                entry = current["DocEntry"]
                credited = self._credited.pop(entry, []) if set_name == "CreditNotes" else []
                if current["PaidToDate"] > 0 and not credited:
                    raise ServiceLayerFault(
                        400, -5002, "Cannot cancel a document with payments; cancel them first"
                    )
                for invoice_entry, amount in credited:
                    self._apply_to_invoice(invoice_entry, -amount, now)
                updated.update(CancelStatus="csYes", DocumentStatus="bost_Close")
                self._touch(updated, now)
            elif set_name == "IncomingPayments":
                for line in current.get("PaymentInvoices") or []:
                    self._apply_to_invoice(line["DocEntry"], -line["SumApplied"], now)
            else:
                raise not_supported()
            self._store(entity_set, updated)

    # --- business rules --------------------------------------------------------------------

    def _complete_document(self, set_name: str, record: Record, now: datetime) -> None:
        partner = self._records["BusinessPartners"].get(record.get("CardCode"))
        if partner is None:
            raise ServiceLayerFault(400, -5002, f"Invalid BP code '{record.get('CardCode')}'")
        lines = record.get("DocumentLines") or []
        if not lines:
            raise ServiceLayerFault(400, -5002, "Document has no lines; add at least one line")
        entry = self._next_entry[set_name]
        net = vat = Decimal(0)
        for number, line in enumerate(lines):
            code = line.setdefault("TaxCode", "IVA16")
            if code not in TAX_RATES:
                raise ServiceLayerFault(400, -5002, f"Tax code '{code}' is not defined")
            quantity = line.setdefault("Quantity", Decimal(1))
            unit_price = line.setdefault("UnitPrice", Decimal(0))
            discount = line.setdefault("DiscountPercent", Decimal(0))
            price = unit_price * (1 - discount / 100)
            line_total = _cents(quantity * price)
            tax = _cents(line_total * TAX_RATES[code] / 100)
            line.update(
                LineNum=number, DocEntry=entry, Price=_cents(price), LineTotal=line_total,
                TaxPercentagePerRow=TAX_RATES[code], TaxTotal=tax, GrossTotal=line_total + tax,
                LineStatus="bost_Open", Currency=record.get("DocCurrency") or partner["Currency"],
            )  # fmt: skip
            line.setdefault("ItemDescription", line.get("ItemCode") or "")
            net += line_total
            vat += tax
        posted = record.setdefault("DocDate", now.date())
        term_days = PAYMENT_TERM_DAYS.get(partner.get("PayTermsGrpCode", 1), 30)
        record.setdefault("DocDueDate", posted + timedelta(days=term_days))
        record.setdefault("TaxDate", posted)
        record.setdefault("DocType", "dDocument_Items")
        record.setdefault("CardName", partner["CardName"])
        record.setdefault("FederalTaxID", partner.get("FederalTaxID"))
        record.setdefault("DocCurrency", partner["Currency"])
        record.update(
            DocEntry=entry, DocNum=self._next_number[set_name], Series=1, DocRate=Decimal(1),
            VatSum=vat, DocTotal=net + vat, PaidToDate=Decimal(0), DiscountPercent=Decimal(0),
            TotalDiscount=Decimal(0), DocumentStatus="bost_Open", Cancelled="tNO",
            CancelStatus="csNo", CreationDate=now.date(), DocTime=now.time(),
            DocObjectCode=DOCUMENT_SETS[set_name], DataVersion=0, EDocStatus="edoc_New",
        )  # fmt: skip
        self._next_entry[set_name] += 1
        self._next_number[set_name] += 1
        self._touch(record, now)

    def _complete_business_partner(self, record: Record, now: datetime) -> None:
        code = record.get("CardCode")
        if not code:
            raise ServiceLayerFault(400, -5002, "Code undefined [OCRD.CardCode]")
        if code in self._records["BusinessPartners"]:
            raise ServiceLayerFault(
                400,
                -10,
                f"1320000140 - Business partner code '{code}' already assigned to a business "
                "partner; enter a unique business partner code",
            )
        record.setdefault("CardName", code)
        record.setdefault("CardType", "cCustomer")
        record.setdefault("Valid", "tYES")
        record.setdefault("Frozen", "tNO")
        record.setdefault("Currency", "MXN")
        record.setdefault("CurrentAccountBalance", Decimal(0))
        record.update(CreateDate=now.date(), CreateTime=now.time(), DataVersion=0)
        _number_addresses(record)
        self._touch(record, now)

    def _post_payment(self, record: Record, now: datetime) -> None:
        partner = self._records["BusinessPartners"].get(record.get("CardCode"))
        if partner is None:
            raise ServiceLayerFault(400, -5002, f"Invalid BP code '{record.get('CardCode')}'")
        allocations = record.get("PaymentInvoices") or []
        means = record.get("CashSum", Decimal(0)) + record.get("TransferSum", Decimal(0))
        applied = sum((line.get("SumApplied", Decimal(0)) for line in allocations), Decimal(0))
        if means <= 0:
            raise ServiceLayerFault(400, -5002, "Enter a payment amount (cash or transfer)")
        if applied > means:
            raise ServiceLayerFault(400, -5002, "Amount applied to invoices exceeds the payment")
        for number, line in enumerate(allocations):
            invoice = self._records["Invoices"].get(line.get("DocEntry"))
            line.setdefault("InvoiceType", "it_Invoice")
            if invoice is None or invoice["CardCode"] != partner["CardCode"]:
                raise ServiceLayerFault(
                    400, -5002, f"Invoice {line.get('DocEntry')} is not open for this customer"
                )
            if invoice["DocumentStatus"] != "bost_Open" or invoice["Cancelled"] == "tYES":
                raise ServiceLayerFault(400, -5002, f"Invoice {invoice['DocNum']} is closed")
            due = invoice["DocTotal"] - invoice["PaidToDate"]
            if line.get("SumApplied", Decimal(0)) > due:
                raise ServiceLayerFault(
                    400, -5002, f"Amount applied exceeds the balance of invoice {invoice['DocNum']}"
                )
            line.update(LineNum=number, DocNum=invoice["DocNum"])
        entry = self._next_entry["IncomingPayments"]
        record.setdefault("DocDate", now.date())
        record.setdefault("DocType", "rCustomer")
        record.setdefault("CardName", partner["CardName"])
        record.setdefault("DocCurrency", partner["Currency"])
        record.update(
            DocEntry=entry,
            DocNum=self._next_number["IncomingPayments"],
            Cancelled="tNO",
            EDocStatus="edoc_New",
        )
        self._next_entry["IncomingPayments"] += 1
        self._next_number["IncomingPayments"] += 1
        for line in allocations:
            self._apply_to_invoice(line["DocEntry"], line["SumApplied"], now)

    def _credit_base_invoices(self, record: Record, now: datetime) -> None:
        """A credit note copied from invoices lowers what they owe, as SAP does, and is closed
        by what it applied; a standalone one stays open, a credit on the customer's account."""
        applied = Decimal(0)
        for line in record["DocumentLines"]:
            if str(line.get("BaseType")) != "13" or line.get("BaseEntry") is None:
                continue
            invoice = self._records["Invoices"].get(int(line["BaseEntry"]))
            if invoice is None or invoice["CardCode"] != record["CardCode"]:
                raise ServiceLayerFault(
                    400, -5002, f"Base document {line['BaseEntry']} is not an invoice of this BP"
                )
            amount = min(line["GrossTotal"], invoice["DocTotal"] - invoice["PaidToDate"])
            if amount > 0 and invoice["Cancelled"] == "tNO":
                self._apply_to_invoice(invoice["DocEntry"], amount, now)
                self._credited.setdefault(record["DocEntry"], []).append(
                    (invoice["DocEntry"], amount)
                )
                applied += amount
        if applied:
            record["PaidToDate"] = applied
            if applied >= record["DocTotal"]:
                record["DocumentStatus"] = "bost_Close"

    def _apply_to_invoice(self, doc_entry: int, amount: Decimal, now: datetime) -> None:
        invoice = dict(self._records["Invoices"][doc_entry])
        invoice["PaidToDate"] += amount
        paid = invoice["PaidToDate"] >= invoice["DocTotal"] and invoice["Cancelled"] == "tNO"
        invoice["DocumentStatus"] = "bost_Close" if paid else "bost_Open"
        if self.payments_touch_invoice_update_date:
            self._touch(invoice, now)
        else:
            invoice["DataVersion"] += 1
        self._store(ENTITY_SETS["Invoices"], invoice)

    def _complete_activity(self, record: Record, now: datetime) -> None:
        record.setdefault("ActivityDate", now.date())
        record.setdefault("ActivityTime", now.time())
        record.setdefault("ActivityProperty", "cn_Note")
        record.setdefault("Closed", "tNO")
        record.update(ActivityCode=self._next_entry["Activities"], DataVersion=1)
        self._next_entry["Activities"] += 1

    def _complete_attachment(self, record: Record, now: datetime) -> None:
        lines = record.get("Attachments2_Lines") or []
        if not lines or not all(line.get("FileName") for line in lines):
            raise ServiceLayerFault(400, -5002, "Attachment has no file; add at least one file")
        for number, line in enumerate(lines):
            _complete_attachment_line(line, number, now.date())
        record.update(AbsoluteEntry=self._next_entry[ATTACHMENTS], Attachments2_Lines=lines)
        self._next_entry[ATTACHMENTS] += 1

    # --- plumbing --------------------------------------------------------------------------

    def _touch(self, record: Record, now: datetime) -> None:
        record["UpdateDate"] = now.date()
        record["UpdateTime"] = now.time()
        record["DataVersion"] = record.get("DataVersion", 0) + 1

    def _store(self, entity_set: EntitySet, record: Record) -> None:
        record[_REVISION] = next(self._revisions)
        self._records[entity_set.name][record[entity_set.key]] = record
        self._generation += 1

    def _existing(self, set_name: str, key: Any) -> Record:
        record = self._records[set_name].get(key)
        if record is None:
            raise entity_not_found(key)
        return record

    def _read_body(self, set_name: str, body: dict[str, Any], *, creating: bool) -> Record:
        entity_set = ENTITY_SETS[set_name]
        fields = self.fields_of(set_name)
        record: Record = {}
        for name, raw in body.items():
            spec = fields.get(name)
            if spec is None:
                raise unknown_body_property(name, entity_set.type.name)
            if spec.read_only or (not creating and name == entity_set.key):
                continue  # SAP ignores read-only properties silently
            if spec.kind is Kind.COLLECTION:
                item_fields = entity_set.type.collections[name]
                if not isinstance(raw, list):
                    raise ServiceLayerFault(400, -1000, f"Property '{name}' must be a collection")
                record[name] = [_read_item(item, item_fields, name) for item in raw]
                continue
            value = _convert(spec, raw)
            udf = self.user_field(set_name, name)
            if udf is not None and value is not None and udf.valid_values:
                allowed = [valid for valid, _ in udf.valid_values]
                if value not in allowed:
                    listed = ", ".join(f"'{v}' - '{d}'" for v, d in udf.valid_values)
                    raise ServiceLayerFault(
                        400,
                        -1004,
                        f"'{value}' is not a valid value for property '{name}'. "
                        f"The valid values are: {listed}",
                    )
            record[name] = value
        return record


def _read_item(item: Any, fields: dict[str, Field], collection: str) -> Record:
    if not isinstance(item, dict):
        raise ServiceLayerFault(400, -1000, f"Items of '{collection}' must be objects")
    converted: Record = {}
    for name, raw in item.items():
        spec = fields.get(name)
        if spec is None:
            raise unknown_body_property(name, collection.rstrip("s"))
        converted[name] = _convert(spec, raw)
    return converted


_CONVERTERS: dict[Kind, Callable[[Any], Any]] = {
    Kind.INT: int,
    Kind.TEXT: str,
    Kind.NUMBER: lambda raw: Decimal(str(raw)),
    Kind.DATE: lambda raw: date.fromisoformat(str(raw)[:10]),
    Kind.TIME: lambda raw: time.fromisoformat(str(raw) if len(str(raw)) > 5 else f"{raw}:00"),
}


def _convert(spec: Field, raw: Any) -> Any:
    if raw is None:
        return None
    if spec.kind is Kind.ENUM:
        by_short = {short: member for member, short in spec.members.items()}
        member = raw if raw in spec.members else by_short.get(str(raw))
        if member is None:
            raise ServiceLayerFault(
                400, -1000, f"Value '{raw}' is invalid for property '{spec.name}'"
            )
        return member
    try:
        return _CONVERTERS[spec.kind](raw)
    except (ValueError, TypeError, InvalidOperation):
        raise ServiceLayerFault(
            400, -1000, f"Value '{raw}' is invalid for property '{spec.name}'"
        ) from None


def _merge_collection(name: str, current: list[Record], changes: list[Record]) -> list[Record]:
    key = _COLLECTION_KEYS.get(name)
    merged = [dict(item) for item in current]
    for change in changes:
        match = next(
            (item for item in merged if key and key in change and item.get(key) == change[key]),
            None,
        )
        if match is None:
            merged.append(dict(change))
        else:
            match.update(change)
    return merged


def _attachment_line(file_name: str) -> Record:
    stem, dot, extension = file_name.rpartition(".")
    return {"FileName": stem, "FileExtension": extension} if dot else {"FileName": file_name}


def _complete_attachment_line(line: Record, number: int, today: date) -> None:
    line["LineNum"] = number
    line.setdefault("SourcePath", ATTACHMENTS_FOLDER)
    line.setdefault("FileExtension", "")
    line.setdefault("AttachmentDate", today)
    line.setdefault("UserID", 1)  # the demo login's internal user key
    line.setdefault("Override", "tNO")
    line.setdefault("FreeText", None)


def _full_name(line: Record) -> str:
    extension = line.get("FileExtension")
    return f"{line['FileName']}.{extension}" if extension else str(line["FileName"])


def _number_addresses(record: Record) -> None:
    for number, address in enumerate(record.get("BPAddresses") or []):
        address["RowNum"] = number
        address["BPCode"] = record["CardCode"]
        address.setdefault("AddressType", "bo_BillTo")


def _check_etag(entity_set: EntitySet, record: Record, if_match: str | None) -> None:
    # SAP ignores If-Match values that are not weak ETags, and sets without ETags.
    if entity_set.etag and if_match and if_match.startswith("W/") and if_match != etag_of(record):
        raise etag_mismatch()


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


def _field_sort_key(name: str) -> Callable[[Record], tuple[int, Any]]:
    return lambda row: _sort_value(row.get(name))


def _sort_value(value: Any) -> tuple[int, Any]:
    # None sorts first, as SQL databases put NULL first in ascending order.
    return (0, "") if value is None else (1, value)
