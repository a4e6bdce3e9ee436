"""A pulled page of invoices as the rows the cache stores for it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kiosk.services.ports.sync import InvoicePage
from kiosk.storage.mapping import Values, cursor_values, invoice_line_values, invoice_values


@dataclass(frozen=True)
class PageRows:
    headers: list[Values]
    entries: list[int]
    """The DocEntries of `headers`, whose old lines the page replaces."""
    lines: list[Values]
    seen: Sequence[int]
    """DocEntries SAP listed in this page of a full pass: still in SAP."""
    seen_pass: int | None
    cursor: Values | None


def page_rows(page: InvoicePage, seen_pass: int | None) -> PageRows:
    """The rows of `page`; an invoice listed twice in it is stored as its last copy."""
    invoices = list({pulled.value.doc_entry: pulled for pulled in page.invoices}.values())
    return PageRows(
        headers=[
            invoice_values(p.value, p.updated_at, p.data_version, seen_pass) for p in invoices
        ],
        entries=[p.value.doc_entry for p in invoices],
        lines=[line for p in invoices for line in invoice_line_values(p.value)],
        seen=page.seen,
        seen_pass=seen_pass,
        cursor=None if page.cursor is None else cursor_values(page.cursor),
    )
