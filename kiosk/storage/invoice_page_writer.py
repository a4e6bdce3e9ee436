"""Storing pulled pages of invoices: in a helper process for bulk loads into SQLite, in a helper
thread for bulk loads into a database server (PostgreSQL), else in line.

Each page is one transaction: headers upserted, their old lines replaced, (in a full pass)
every invoice SAP listed noted as seen, and (in a first download) the cursor moved past it.
The caller builds the next page's rows while the helper commits this one, so mapping and
SQLite run on two cores; a server's driver waits for the network without the GIL, so a thread
is enough there. On PostgreSQL these commits do not wait for the server's disk
(`synchronous_commit = off`): a server crash may lose the last pages, never half of one, and
their cursor with them, so the next pass fetches them again from SAP, which owns them. Local
changes (the outbox) keep the server's full durability.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
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
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql("SET LOCAL synchronous_commit = off")
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


class _ThreadCommitter:
    """Commits each batch in a helper thread, one batch waiting at most; an error is raised
    at the next submit or wait, like the writer process's."""

    def __init__(self, engine: Engine) -> None:
        self._inline = _InlineCommitter(engine)
        self._batches: queue.Queue[Sequence[Statement] | None] = queue.Queue(maxsize=1)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._work, name="kiosk-page-writer", daemon=True)
        self._thread.start()

    def submit(self, statements: Sequence[Statement]) -> None:
        self._raise_failure()
        self._batches.put(statements)

    def committed(self) -> int:
        return self._inline.committed()

    def wait(self) -> None:
        self._batches.join()
        self._raise_failure()

    def close(self) -> None:
        self._batches.put(None)
        self._thread.join()

    def _work(self) -> None:
        while (statements := self._batches.get()) is not None:
            try:
                if self._error is None:
                    self._inline.submit(statements)
            except BaseException as error:  # handed to the pass at its next submit or wait
                self._error = error
            finally:
                self._batches.task_done()
        self._batches.task_done()

    def _raise_failure(self) -> None:
        if self._error is not None:
            raise self._error


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
    """A writer for one pass; a bulk pass gets the helper process (SQLite) or thread."""
    with unavailable_on_driver_error(engine):
        target = sqlite_file(engine) if bulk else None
        committer: _Committer | None = _helper_process(*target) if target is not None else None
        if committer is None and bulk and engine.dialect.name != "sqlite":
            committer = _ThreadCommitter(engine)
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
