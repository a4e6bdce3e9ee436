"""The one write path of sync into the cache: versions, pages of invoices, customers, passes.

Invoices go in pages through `invoice_page_writer.py`, whose SQLite strategy for a first
download or a full pass is the writer process; customers go in batches of set-based upserts.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Engine, Table, case, delete, func, select, update

from kiosk.domain.customer import Customer
from kiosk.domain.invoice import SapDocumentStatus
from kiosk.services.ports.sync import Pulled, PullKind
from kiosk.storage.bulk_upsert import BulkUpsert
from kiosk.storage.database import connected, transaction
from kiosk.storage.invoice_page_writer import InvoicePageWriter, invoice_page_writer
from kiosk.storage.mapping import customer_name_word_values, customer_values
from kiosk.storage.scaled_decimal import from_scaled
from kiosk.storage.tables import (
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


class SqlCacheSyncStore:
    """The cache as sync writes it; each call is its own short transaction."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._invoice_rows = BulkUpsert(engine, invoices, ["doc_entry"])
        self._invoice_line_rows = BulkUpsert(engine, invoice_lines, ["doc_entry", "line_number"])
        self._customer_rows = BulkUpsert(engine, customers, ["code"])
        self._name_word_rows = BulkUpsert(engine, name_word_rows, ["word", "customer_code"])
        self._cursor_rows = BulkUpsert(engine, cast(Table, SyncCursorRow.__table__), ["entity"])

    def invoice_writer(
        self,
        kind: PullKind,
        *,
        seen_pass: int | None = None,
        on_stored: Callable[[int], None] | None = None,
    ) -> AbstractContextManager[InvoicePageWriter]:
        """A writer of pulled invoice pages for one pass (see invoice_page_writer.py)."""
        return invoice_page_writer(
            self._engine,
            self._invoice_rows,
            self._invoice_line_rows,
            self._cursor_rows,
            seen_pass,
            bulk=kind is not PullKind.DELTA,
            on_stored=on_stored,
        )

    def store_pulled_customers(
        self, pulled: Iterable[Pulled[Customer]], seen_pass: int | None
    ) -> int:
        """Upsert customers with SAP's UpdateDate/Time and DataVersion, and their name words."""
        written = 0
        for batch in batches(pulled):
            words = [word for p in batch for word in customer_name_word_values(p.value)]
            codes = [p.value.code for p in batch]
            rows = [
                customer_values(p.value, p.updated_at, p.data_version, seen_pass) for p in batch
            ]
            with transaction(self._engine) as connection:
                self._customer_rows.execute(connection, rows)
                connection.execute(
                    delete(name_word_rows).where(name_word_rows.c.customer_code.in_(codes))
                )
                self._name_word_rows.execute(connection, words)
            written += len(batch)
        return written

    def invoice_versions(self, doc_entries: list[int]) -> dict[int, int | None]:
        """SAP's DataVersion of each cached invoice among these (absent: not cached)."""
        query = select(invoices.c.doc_entry, invoices.c.sap_data_version).where(
            invoices.c.doc_entry.in_(doc_entries)
        )
        with connected(self._engine) as connection:
            return {row.doc_entry: row.sap_data_version for row in connection.execute(query)}

    def customer_versions(self, codes: list[str]) -> dict[str, int | None]:
        """SAP's DataVersion of each cached customer among these."""
        query = select(customers.c.code, customers.c.sap_data_version).where(
            customers.c.code.in_(codes)
        )
        with connected(self._engine) as connection:
            return {row.code: row.sap_data_version for row in connection.execute(query)}

    def mark_customers_seen(self, codes: list[str], seen_pass: int) -> None:
        """Note that SAP still has these customers in this full pass (and clear a missing flag);
        the invoices a full pass sees are noted with their page."""
        with transaction(self._engine) as connection:
            connection.execute(
                update(customers)
                .where(customers.c.code.in_(codes))
                .values(last_seen_pass=seen_pass, missing_in_sap=False)
            )

    def flag_missing_invoices(self, seen_pass: int) -> int:
        """Flag cached invoices a full pass did not see in SAP; return how many are flagged."""
        return self._flag_missing(invoices, seen_pass)

    def flag_missing_customers(self, seen_pass: int) -> int:
        """Flag cached customers a full pass did not see in SAP; return how many are flagged."""
        return self._flag_missing(customers, seen_pass)

    def _flag_missing(self, table: Table, seen_pass: int) -> int:
        not_seen = (table.c.last_seen_pass.is_(None)) | (table.c.last_seen_pass != seen_pass)
        with transaction(self._engine) as connection:
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
        with connected(self._engine) as connection:
            for row in connection.execute(query):
                balances[row.customer_code][row.currency] = from_scaled(int(row.owed or 0))
        return dict(balances)

    def invoice_counts(self) -> dict[str, int]:
        """How many cached invoices each customer has."""
        query = select(invoices.c.customer_code, func.count()).group_by(invoices.c.customer_code)
        with connected(self._engine) as connection:
            return {code: int(count) for code, count in connection.execute(query)}


def batches(items: Iterable[Any]) -> Iterator[list[Any]]:
    """The items in lists of BATCH_SIZE, one transaction's worth."""
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, BATCH_SIZE)):
        yield batch
