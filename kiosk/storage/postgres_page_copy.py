"""Pages of invoices into PostgreSQL by COPY: one round trip per table instead of one per row.

Row-by-row statements make the server parse, plan and index each row on its own; COPY streams
a page's headers into a session-local staging table, merged by one INSERT … SELECT … ON
CONFLICT, and its lines straight into their table once the page's old lines are deleted.
"""

from __future__ import annotations

from kiosk.storage.bulk_upsert import BulkUpsert
from kiosk.storage.page_rows import PageRows
from kiosk.storage.postgres_writer_target import ONCE
from kiosk.storage.writer_process import Statement

STAGING = "incoming_invoices"


class CopyPageStatements:
    """A page as COPY streams and set-based statements on PostgreSQL."""

    def __init__(self, invoice_rows: BulkUpsert, line_rows: BulkUpsert, cursor_rows: BulkUpsert):
        self._cursor_rows = cursor_rows
        self._stage = (
            f"CREATE TEMP TABLE IF NOT EXISTS {STAGING} "
            f"(LIKE {invoice_rows.table}) ON COMMIT DELETE ROWS"
        )
        self._copy_headers = f"COPY {STAGING} ({invoice_rows.columns}) FROM STDIN"
        self._merge_headers = invoice_rows.merge_from(STAGING)
        self._delete_lines = f"DELETE FROM {line_rows.table} WHERE doc_entry = ANY(%s)"
        self._copy_lines = f"COPY {line_rows.table} ({line_rows.columns}) FROM STDIN"
        self._mark_seen = (
            f"UPDATE {invoice_rows.table} SET last_seen_pass = %s, missing_in_sap = false "
            "WHERE doc_entry = ANY(%s)"
        )

    def of(self, page: PageRows) -> list[Statement]:
        statements: list[Statement] = []
        if page.headers:
            statements += [
                (self._stage, ONCE),
                (self._copy_headers, page.headers),
                (self._merge_headers, ONCE),
                (self._delete_lines, [(page.entries,)]),
                (self._copy_lines, page.lines),
            ]
        if page.seen_pass is not None and page.seen:
            statements.append((self._mark_seen, [(page.seen_pass, list(page.seen))]))
        if page.cursor is not None:
            statements.append((self._cursor_rows.sql, [page.cursor]))
        return statements
