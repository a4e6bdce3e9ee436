"""The SQL implementation of the InvoiceStore port: lookups and set-based bulk upserts."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import date
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import (
    Connection,
    Engine,
    Select,
    Table,
    and_,
    case,
    delete,
    exists,
    func,
    select,
    update,
)

from kiosk.domain.billing_preference import BillingPreference
from kiosk.domain.customer import Customer
from kiosk.domain.invoice import Invoice, SapDocumentStatus
from kiosk.domain.invoice_record import record_of
from kiosk.domain.search_text import name_words, tax_id_key
from kiosk.services.ports import Pulled
from kiosk.storage.bulk_upsert import BulkUpsert
from kiosk.storage.database import unavailable_on_driver_error
from kiosk.storage.invoice_page_writer import InvoicePageWriter, invoice_page_writer
from kiosk.storage.mapping import (
    customer_from_row,
    customer_name_word_values,
    customer_values,
    invoice_from_row,
    preference_from_row,
)
from kiosk.storage.scaled_decimal import from_scaled
from kiosk.storage.tables import (
    BillingPreferenceRow,
    CustomerNameWordRow,
    CustomerRow,
    InvoiceLineRow,
    InvoiceRow,
    SyncCursorRow,
)

BATCH_SIZE = 1000

invoices = cast(Table, InvoiceRow.__table__)
invoice_lines = cast(Table, InvoiceLineRow.__table__)
customers = cast(Table, CustomerRow.__table__)
name_word_rows = cast(Table, CustomerNameWordRow.__table__)
preferences = cast(Table, BillingPreferenceRow.__table__)
_ENTITY_TABLES = {"invoices": (invoices, "doc_entry"), "customers": (customers, "code")}


class SqlInvoiceStore:
    """Invoices, customers and preferences in the local database, one short transaction per call."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self.engine = engine  # shared with the other stores of the same database
        self._invoice_rows = BulkUpsert(engine, invoices, ["doc_entry"])
        self._invoice_line_rows = BulkUpsert(engine, invoice_lines, ["doc_entry", "line_number"])
        self._customer_rows = BulkUpsert(engine, customers, ["code"])
        self._name_word_rows = BulkUpsert(engine, name_word_rows, ["word", "customer_code"])
        self._cursor_rows = BulkUpsert(engine, cast(Table, SyncCursorRow.__table__), ["entity"])

    # --- reads -------------------------------------------------------------------------------

    def invoices_by_number(self, doc_num: int) -> list[Invoice]:
        query = select(invoices).where(invoices.c.doc_num == doc_num).order_by(invoices.c.doc_entry)
        return self._invoices(query)

    def invoices_for_customer(
        self, customer_code: str, *, limit: int, offset: int = 0, with_lines: bool = True
    ) -> list[Invoice]:
        query = (
            select(invoices)
            .where(invoices.c.customer_code == customer_code)
            .order_by(invoices.c.posting_date.desc(), invoices.c.doc_entry.desc())
            .limit(limit)
            .offset(offset)
        )
        return self._invoices(query, with_lines=with_lines)

    def invoices_issued_since(self, day: date) -> list[Invoice]:
        query = (
            select(invoices)
            .where(invoices.c.document_date >= day)
            .order_by(invoices.c.document_date, invoices.c.doc_entry)
        )
        return self._invoices(query, with_lines=False)

    def open_invoices_for_customer(self, customer_code: str) -> list[Invoice]:
        query = (
            select(invoices)
            .where(
                invoices.c.customer_code == customer_code,
                invoices.c.sap_status == SapDocumentStatus.OPEN.value,
                invoices.c.cancelled.is_(False),
            )
            .order_by(invoices.c.due_date, invoices.c.doc_entry)
        )
        return self._invoices(query, with_lines=False)

    def customer(self, customer_code: str) -> Customer | None:
        with self._connect() as connection:
            row = connection.execute(
                select(customers).where(customers.c.code == customer_code)
            ).first()
        return customer_from_row(row) if row else None

    def customers_by_tax_id(self, tax_id: str) -> list[Customer]:
        key = tax_id_key(tax_id)
        if not key:
            return []
        query = select(customers).where(customers.c.tax_id_key == key).order_by(customers.c.code)
        with self._connect() as connection:
            return [customer_from_row(row) for row in connection.execute(query)]

    def customers_by_name(self, text: str, *, limit: int) -> list[Customer]:
        words = sorted(name_words(text), key=len, reverse=True)
        if not words:
            return []
        leading, *others = words
        query = (
            select(customers)
            .join(name_word_rows, name_word_rows.c.customer_code == customers.c.code)
            .where(_starts_with(name_word_rows.c.word, leading))
            .order_by(name_word_rows.c.word, customers.c.code)
            # A name with two words matching the leading prefix comes back twice.
            .limit(limit * 2)
        )
        for word in others:
            other = name_word_rows.alias()
            query = query.where(
                exists().where(
                    other.c.customer_code == customers.c.code, _starts_with(other.c.word, word)
                )
            )
        found: dict[str, Customer] = {}
        with self._connect() as connection:
            for row in connection.execute(query):
                found.setdefault(row.code, customer_from_row(row))
        return list(found.values())[:limit]

    def billing_preference(self, customer_code: str) -> BillingPreference | None:
        with self._connect() as connection:
            row = connection.execute(
                select(preferences).where(preferences.c.customer_code == customer_code)
            ).first()
        return preference_from_row(row) if row else None

    def counts(self) -> dict[str, int]:
        """How many invoices and customers the cache holds."""
        with self._connect() as connection:
            return {
                "invoices": connection.execute(
                    select(func.count()).select_from(invoices)
                ).scalar_one(),
                "customers": connection.execute(
                    select(func.count()).select_from(customers)
                ).scalar_one(),
            }

    # --- writes ------------------------------------------------------------------------------

    def upsert_invoices(self, new_invoices: Iterable[Invoice]) -> int:
        written = 0
        with self.invoice_writer(None, bulk=False) as writer:
            for batch in _batches(new_invoices):
                records = [Pulled(record_of(invoice), None, None) for invoice in batch]
                writer.write(records, [], None)
                written += len(batch)
        return written

    def invoice_writer(
        self, seen_pass: int | None, *, bulk: bool
    ) -> AbstractContextManager[InvoicePageWriter]:
        """A writer of pulled invoice pages for one pass (see invoice_page_writer.py)."""
        return invoice_page_writer(
            self._engine,
            self._invoice_rows,
            self._invoice_line_rows,
            self._cursor_rows,
            seen_pass,
            bulk=bulk,
        )

    def upsert_customers(self, new_customers: Iterable[Customer]) -> int:
        return self.store_pulled_customers((Pulled(c, None, None) for c in new_customers), None)

    def store_pulled_customers(
        self, pulled: Iterable[Pulled[Customer]], seen_pass: int | None
    ) -> int:
        """Upsert customers with SAP's UpdateDate/Time and DataVersion, and their name words."""
        written = 0
        for batch in _batches(pulled):
            words = [word for p in batch for word in customer_name_word_values(p.value)]
            codes = [p.value.code for p in batch]
            rows = [
                customer_values(p.value, p.updated_at, p.data_version, seen_pass) for p in batch
            ]
            with self._begin() as connection:
                self._customer_rows.execute(connection, rows)
                connection.execute(
                    delete(name_word_rows).where(name_word_rows.c.customer_code.in_(codes))
                )
                self._name_word_rows.execute(connection, words)
            written += len(batch)
        return written

    # --- what sync needs --------------------------------------------------------------------

    def invoice_versions(self, doc_entries: list[int]) -> dict[int, int | None]:
        """SAP's DataVersion of each cached invoice among these (absent: not cached)."""
        query = select(invoices.c.doc_entry, invoices.c.sap_data_version).where(
            invoices.c.doc_entry.in_(doc_entries)
        )
        with self._connect() as connection:
            return {row.doc_entry: row.sap_data_version for row in connection.execute(query)}

    def customer_versions(self, codes: list[str]) -> dict[str, int | None]:
        """SAP's DataVersion of each cached customer among these."""
        query = select(customers.c.code, customers.c.sap_data_version).where(
            customers.c.code.in_(codes)
        )
        with self._connect() as connection:
            return {row.code: row.sap_data_version for row in connection.execute(query)}

    def mark_seen(self, entity: str, keys: list[object], seen_pass: int) -> None:
        """Note that SAP still has these rows in this full pass (and clear a missing flag)."""
        table, key = _ENTITY_TABLES[entity]
        with self._begin() as connection:
            connection.execute(
                update(table)
                .where(table.c[key].in_(keys))
                .values(last_seen_pass=seen_pass, missing_in_sap=False)
            )

    def flag_missing(self, entity: str, seen_pass: int) -> int:
        """Flag cached rows a full pass did not see in SAP; return how many are flagged."""
        table, _key = _ENTITY_TABLES[entity]
        not_seen = (table.c.last_seen_pass.is_(None)) | (table.c.last_seen_pass != seen_pass)
        with self._begin() as connection:
            connection.execute(update(table).where(not_seen).values(missing_in_sap=True))
            flagged = connection.execute(
                select(func.count()).select_from(table).where(table.c.missing_in_sap.is_(True))
            ).scalar_one()
        return int(flagged)

    def open_balances(self) -> dict[str, dict[str, Decimal]]:
        """What each customer owes per currency, summed in the database.

        This repeats Invoice.amount_due in SQL (open, not cancelled, never below zero) so a
        full reconciliation can compare a million invoices without loading them.
        """
        owed = case(
            (
                invoices.c.total > invoices.c.paid_to_date,
                invoices.c.total - invoices.c.paid_to_date,
            ),
            else_=0,
        )
        query = (
            select(invoices.c.customer_code, invoices.c.currency, func.sum(owed).label("owed"))
            .where(
                invoices.c.sap_status == SapDocumentStatus.OPEN.value,
                invoices.c.cancelled.is_(False),
            )
            .group_by(invoices.c.customer_code, invoices.c.currency)
        )
        balances: dict[str, dict[str, Decimal]] = defaultdict(dict)
        with self._connect() as connection:
            for row in connection.execute(query):
                balances[row.customer_code][row.currency] = from_scaled(int(row.owed or 0))
        return dict(balances)

    def invoice_counts(self) -> dict[str, int]:
        """How many cached invoices each customer has."""
        query = select(invoices.c.customer_code, func.count()).group_by(invoices.c.customer_code)
        with self._connect() as connection:
            return {code: int(count) for code, count in connection.execute(query)}

    # --- plumbing ----------------------------------------------------------------------------

    def _invoices(self, query: Select[Any], *, with_lines: bool = True) -> list[Invoice]:
        with self._connect() as connection:
            headers = connection.execute(query).all()
            entries = [header.doc_entry for header in headers] if with_lines else []
            lines = _lines_of(connection, entries)
        return [invoice_from_row(header, lines.get(header.doc_entry, ())) for header in headers]

    @contextmanager
    def _connect(self) -> Iterator[Connection]:
        with unavailable_on_driver_error(self._engine), self._engine.connect() as connection:
            yield connection

    @contextmanager
    def _begin(self) -> Iterator[Connection]:
        with unavailable_on_driver_error(self._engine), self._engine.begin() as connection:
            yield connection


def _lines_of(connection: Connection, doc_entries: list[int]) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    if not doc_entries:
        return grouped
    rows = connection.execute(
        select(invoice_lines)
        .where(invoice_lines.c.doc_entry.in_(doc_entries))
        .order_by(invoice_lines.c.doc_entry, invoice_lines.c.line_number)
    )
    for row in rows:
        grouped[row.doc_entry].append(row)
    return grouped


def _starts_with(column: Any, prefix: str) -> Any:
    """A range condition an ordinary index serves on every database (unlike LIKE)."""
    upper = _prefix_upper_bound(prefix)
    if upper is None:
        return column >= prefix
    return and_(column >= prefix, column < upper)


def _prefix_upper_bound(prefix: str) -> str | None:
    """The smallest folded word greater than every word starting with prefix ([0-9a-z] only)."""
    stem = prefix.rstrip("z")
    if not stem:
        return None
    last = stem[-1]
    following = "a" if last == "9" else chr(ord(last) + 1)
    return stem[:-1] + following


def _batches(items: Iterable[Any]) -> Iterator[list[Any]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, BATCH_SIZE)):
        yield batch
