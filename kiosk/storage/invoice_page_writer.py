"""Storing pulled pages of invoices: in a helper process for bulk loads into SQLite, else in line.

Each page is one transaction: headers upserted, their old lines replaced, (in a full pass)
every invoice SAP listed noted as seen, and (in a first download) the cursor moved past it.
The caller builds the next page's rows while the helper commits this one, so mapping and
SQLite run on two cores.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Protocol

from sqlalchemy import Engine

from kiosk.services.ports.sync import InvoicePage
from kiosk.storage.bulk_upsert import BulkUpsert
from kiosk.storage.database import sqlite_file, unavailable_on_driver_error
from kiosk.storage.mapping import cursor_values, invoice_line_values, invoice_values
from kiosk.storage.sqlite_writer_process import SqliteWriterProcess, Statement

logger = logging.getLogger(__name__)


class _Committer(Protocol):
    def submit(self, statements: Sequence[Statement]) -> None: ...

    def committed(self) -> int: ...

    def wait(self) -> None: ...

    def close(self) -> None: ...


class _InlineCommitter:
    """Commits each batch at once, through the engine."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._committed = 0

    def submit(self, statements: Sequence[Statement]) -> None:
        with self._engine.begin() as connection:
            for sql, rows in statements:
                if rows:
                    connection.exec_driver_sql(sql, list(rows))
        self._committed += 1

    def committed(self) -> int:
        return self._committed

    def wait(self) -> None:
        return None

    def close(self) -> None:
        return None


class InvoicePageWriter:
    """Writes pages of pulled invoices for one pass, in order; a page may still be in flight."""

    def __init__(
        self,
        committer: _Committer,
        invoice_rows: BulkUpsert,
        line_rows: BulkUpsert,
        cursor_rows: BulkUpsert,
        seen_pass: int | None,
        on_stored: Callable[[int], None] | None = None,
    ) -> None:
        self._committer = committer
        self._on_stored = on_stored
        self._pulled_by_page: list[int] = []
        self._told = 0
        self._invoice_rows = invoice_rows
        self._line_rows = line_rows
        self._cursor_rows = cursor_rows
        self._seen_pass = seen_pass
        mark = invoice_rows.placeholder
        self._delete_lines = f"DELETE FROM invoice_lines WHERE doc_entry = {mark}"
        self._mark_seen = (
            f"UPDATE invoices SET last_seen_pass = {mark}, missing_in_sap = {mark} "
            f"WHERE doc_entry = {mark}"
        )

    def write(self, page: InvoicePage) -> None:
        """Store a page's invoices, note its `seen` as still in SAP, move its cursor, at once."""
        invoices, seen, cursor = page.invoices, page.seen, page.cursor
        seen_pass = self._seen_pass
        headers = [
            invoice_values(p.value, p.updated_at, p.data_version, seen_pass) for p in invoices
        ]
        lines = [line for p in invoices for line in invoice_line_values(p.value)]
        statements: list[Statement] = [
            (self._invoice_rows.sql, headers),
            (self._delete_lines, [(p.value.doc_entry,) for p in invoices]),
            (self._line_rows.sql, lines),
        ]
        if seen_pass is not None:
            statements.append((self._mark_seen, [(seen_pass, False, entry) for entry in seen]))
        if cursor is not None:
            statements.append((self._cursor_rows.sql, [cursor_values(cursor)]))
        self._committer.submit(statements)
        self._pulled_by_page.append(page.pulled)
        self._tell_stored()

    def wait(self) -> None:
        """Return once every page written is stored."""
        self._committer.wait()
        self._tell_stored()

    def _tell_stored(self) -> None:
        """Tell how many invoices the pass had pulled up to the last page known stored."""
        stored_pages = self._committer.committed()
        stored = self._pulled_by_page[stored_pages - 1] if stored_pages else 0
        if self._on_stored is not None and stored > self._told:
            self._on_stored(stored)
        self._told = max(self._told, stored)


def _helper_process(path: str, pragmas: list[str]) -> _Committer | None:
    """The writer process, or None where none can start: the pass then commits in line."""
    try:
        return SqliteWriterProcess(path, pragmas)
    except OSError as error:
        logger.warning("cache writer process not started (%s); writing in line", error)
        return None


@contextmanager
def invoice_page_writer(
    engine: Engine,
    invoice_rows: BulkUpsert,
    line_rows: BulkUpsert,
    cursor_rows: BulkUpsert,
    seen_pass: int | None,
    *,
    bulk: bool,
    on_stored: Callable[[int], None] | None = None,
) -> Iterator[InvoicePageWriter]:
    """A writer for one pass; a bulk pass into a SQLite file gets the helper process."""
    with unavailable_on_driver_error(engine):
        target = sqlite_file(engine) if bulk else None
        committer = _helper_process(*target) if target is not None else None
        committer = committer or _InlineCommitter(engine)
        try:
            writer = InvoicePageWriter(
                committer, invoice_rows, line_rows, cursor_rows, seen_pass, on_stored
            )
            yield writer
        except BaseException:
            # The pass failed elsewhere (SAP, most likely): the pages handed over still count,
            # and that failure is the one to report.
            with contextlib.suppress(Exception):
                committer.wait()
            raise
        else:
            writer.wait()
        finally:
            committer.close()
