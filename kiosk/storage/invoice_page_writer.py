"""Storing pulled pages of invoices: in a helper process for bulk loads (a first download, a
full pass), else in line.

Each page is one transaction: headers upserted, their old lines replaced, (in a full pass)
every invoice SAP listed noted as seen, and (in a first download) the cursor moved past it.
The caller builds the next page's rows while the helper commits this one, so mapping and
the database's work (SQLite itself, or the driver's COPY of rows to PostgreSQL) run on two
cores. On PostgreSQL these commits do not wait for the server's disk
(`synchronous_commit = off`): a server crash may lose the last pages, never half of one, and
their cursor with them, so the next pass fetches them again from SAP, which owns them. Local
changes (the outbox) keep the server's full durability.
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
from kiosk.storage.page_rows import PageRows, page_rows
from kiosk.storage.postgres_page_copy import CopyPageStatements
from kiosk.storage.postgres_writer_target import PostgresServer, run_batch
from kiosk.storage.writer_process import SqliteFile, Statement, WriterProcess, WriterTarget

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
            if connection.dialect.name == "postgresql":
                driver = connection.connection.driver_connection
                assert driver is not None  # a checked-out connection always has one
                run_batch(driver, list(statements))
            else:
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


class RowPageStatements:
    """A page as one executemany per table, on any database."""

    def __init__(self, invoice_rows: BulkUpsert, line_rows: BulkUpsert, cursor_rows: BulkUpsert):
        self._invoice_rows = invoice_rows
        self._line_rows = line_rows
        self._cursor_rows = cursor_rows
        mark = invoice_rows.placeholder
        self._delete_lines = f"DELETE FROM invoice_lines WHERE doc_entry = {mark}"
        self._mark_seen = (
            f"UPDATE invoices SET last_seen_pass = {mark}, missing_in_sap = {mark} "
            f"WHERE doc_entry = {mark}"
        )

    def of(self, page: PageRows) -> list[Statement]:
        statements: list[Statement] = [
            (self._invoice_rows.sql, page.headers),
            (self._delete_lines, [(entry,) for entry in page.entries]),
            (self._line_rows.sql, page.lines),
        ]
        if page.seen_pass is not None:
            statements.append(
                (self._mark_seen, [(page.seen_pass, False, entry) for entry in page.seen])
            )
        if page.cursor is not None:
            statements.append((self._cursor_rows.sql, [page.cursor]))
        return statements


class _PageStatements(Protocol):
    def of(self, page: PageRows) -> list[Statement]: ...


class InvoicePageWriter:
    """Writes pages of pulled invoices for one pass, in order; a page may still be in flight."""

    def __init__(
        self,
        committer: _Committer,
        statements: _PageStatements,
        seen_pass: int | None,
        on_stored: Callable[[int], None] | None = None,
    ) -> None:
        self._committer = committer
        self._statements = statements
        self._on_stored = on_stored
        self._pulled_by_page: list[int] = []
        self._told = 0
        self._seen_pass = seen_pass

    def write(self, page: InvoicePage) -> None:
        """Store a page's invoices, note its `seen` as still in SAP, move its cursor, at once."""
        self._committer.submit(self._statements.of(page_rows(page, self._seen_pass)))
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


def _helper_process(engine: Engine) -> _Committer | None:
    """The writer process, or None where none can start: the pass then commits in line."""
    target: WriterTarget
    if engine.dialect.name == "postgresql":
        target = PostgresServer.of(engine)
    elif (sqlite := sqlite_file(engine)) is not None:
        target = SqliteFile(*sqlite)
    else:
        return None
    try:
        return WriterProcess(target)
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
    """A writer for one pass; a bulk pass gets the helper process (SQLite) or thread."""
    with unavailable_on_driver_error(engine):
        committer = (_helper_process(engine) if bulk else None) or _InlineCommitter(engine)
        try:
            statements: _PageStatements = (
                CopyPageStatements(invoice_rows, line_rows, cursor_rows)
                if engine.dialect.name == "postgresql"
                else RowPageStatements(invoice_rows, line_rows, cursor_rows)
            )
            writer = InvoicePageWriter(committer, statements, seen_pass, on_stored)
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
