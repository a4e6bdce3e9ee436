"""The SQL implementation of the InvoiceStore port: the lookups screens and use cases make."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Select,
    Table,
    and_,
    exists,
    func,
    or_,
    select,
)

from kiosk.domain.billing_preference import BillingPreference
from kiosk.domain.customer import Customer
from kiosk.domain.invoice import Invoice, SapDocumentStatus
from kiosk.domain.invoice_record import record_of
from kiosk.domain.search_text import name_words, tax_id_key
from kiosk.services.ports.sync import InvoicePage, Pulled, PullKind
from kiosk.storage.cache_sync_store import (
    SqlCacheSyncStore,
    batches,
    customers,
    invoice_lines,
    invoices,
    name_word_rows,
)
from kiosk.storage.database import connected
from kiosk.storage.dispute_store import disputed_amount
from kiosk.storage.mapping import (
    customer_from_row,
    invoice_from_row,
    preference_from_row,
)
from kiosk.storage.tables import BillingPreferenceRow

preferences = cast(Table, BillingPreferenceRow.__table__)


class SqlInvoiceStore:
    """Invoices, customers and preferences in the local database, one short transaction per call."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self.engine = engine  # shared with the other stores of the same database
        self._writes = SqlCacheSyncStore(engine)

    # --- reads -------------------------------------------------------------------------------

    def invoices_by_number(self, doc_num: int) -> list[Invoice]:
        query = (
            _invoices_with_disputed()
            .where(invoices.c.doc_num == doc_num)
            .order_by(invoices.c.doc_entry)
        )
        return self._invoices(query)

    def invoices_for_customer(
        self, customer_code: str, *, limit: int, offset: int = 0, with_lines: bool = True
    ) -> list[Invoice]:
        query = (
            _invoices_with_disputed()
            .where(invoices.c.customer_code == customer_code)
            .order_by(invoices.c.posting_date.desc(), invoices.c.doc_entry.desc())
            .limit(limit)
            .offset(offset)
        )
        return self._invoices(query, with_lines=with_lines)

    def invoices_issued_since(self, day: date) -> list[Invoice]:
        query = (
            _invoices_with_disputed()
            .where(invoices.c.document_date >= day)
            .order_by(invoices.c.document_date, invoices.c.doc_entry)
        )
        return self._invoices(query, with_lines=False)

    def open_invoices_for_customer(self, customer_code: str) -> list[Invoice]:
        query = (
            _invoices_with_disputed()
            .where(
                invoices.c.customer_code == customer_code,
                invoices.c.sap_status == SapDocumentStatus.OPEN.value,
                invoices.c.cancelled.is_(False),
            )
            .order_by(invoices.c.due_date, invoices.c.doc_entry)
        )
        return self._invoices(query, with_lines=False)

    def customer(self, customer_code: str) -> Customer | None:
        with connected(self._engine) as connection:
            row = connection.execute(
                select(customers).where(customers.c.code == customer_code)
            ).first()
        return customer_from_row(row) if row else None

    def customers_by_tax_id(self, tax_id: str) -> list[Customer]:
        key = tax_id_key(tax_id)
        if not key:
            return []
        query = select(customers).where(customers.c.tax_id_key == key).order_by(customers.c.code)
        with connected(self._engine) as connection:
            return [customer_from_row(row) for row in connection.execute(query)]

    def customers_known_as(self, who: str) -> list[Customer]:
        key = tax_id_key(who)
        known: ColumnElement[bool] = customers.c.code.in_(sorted({who, who.upper()}))
        if key:
            known = or_(known, customers.c.tax_id_key == key)
        query = select(customers).where(known).order_by(customers.c.code)
        with connected(self._engine) as connection:
            return [customer_from_row(row) for row in connection.execute(query)]

    def has_invoice(self, customer_code: str, doc_num: int) -> bool:
        query = select(
            exists().where(invoices.c.doc_num == doc_num, invoices.c.customer_code == customer_code)
        )
        with connected(self._engine) as connection:
            return bool(connection.execute(query).scalar())

    def customers_by_name(self, text: str, *, limit: int) -> list[Customer]:
        words = sorted(name_words(text), key=len, reverse=True)
        if not words:
            return []
        leading, *others = words
        query = (
            select(customers)
            .join(name_word_rows, name_word_rows.c.customer_code == customers.c.code)
            .where(_starts_with(name_word_rows.c.word, leading))
            # The word index's own order (word, then code): the first rows are the answer.
            .order_by(name_word_rows.c.word, name_word_rows.c.customer_code)
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
        with connected(self._engine) as connection:
            for row in connection.execute(query):
                found.setdefault(row.code, customer_from_row(row))
        return list(found.values())[:limit]

    def billing_preference(self, customer_code: str) -> BillingPreference | None:
        with connected(self._engine) as connection:
            row = connection.execute(
                select(preferences).where(preferences.c.customer_code == customer_code)
            ).first()
        return preference_from_row(row) if row else None

    def counts(self) -> dict[str, int]:
        """How many invoices and customers the cache holds."""
        with connected(self._engine) as connection:
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
        """Store invoices through the cache's one write path, as a delta pass would."""
        written = 0
        with self._writes.invoice_writer(PullKind.DELTA) as writer:
            for batch in batches(new_invoices):
                records = [Pulled(record_of(invoice), None, None) for invoice in batch]
                writer.write(InvoicePage(records))
                written += len(batch)
        return written

    def upsert_customers(self, new_customers: Iterable[Customer]) -> int:
        """Store customers through the cache's one write path."""
        return self._writes.store_pulled_customers(
            [Pulled(c, None, None) for c in new_customers], None
        )

    # --- plumbing ----------------------------------------------------------------------------

    def _invoices(self, query: Select[Any], *, with_lines: bool = True) -> list[Invoice]:
        with connected(self._engine) as connection:
            headers = connection.execute(query).all()
            entries = [header.doc_entry for header in headers] if with_lines else []
            lines = _lines_of(connection, entries)
        return [invoice_from_row(header, lines.get(header.doc_entry, ())) for header in headers]


def _invoices_with_disputed() -> Select[Any]:
    """Invoice rows with what their open disputes hold (`disputed`, scaled), in one statement."""
    return select(invoices, disputed_amount(invoices.c.doc_entry))


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
