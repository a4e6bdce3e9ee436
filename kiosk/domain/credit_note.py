"""An A/R credit note SAP issued to a customer, with the invoices its lines were copied from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kiosk.domain.money import Money


@dataclass(frozen=True, slots=True)
class CreditNote:
    """A credit note as SAP recorded it; the kiosk caches it for statements and disputes."""

    doc_entry: int
    doc_num: int
    customer_code: str
    posting_date: date
    total: Money
    cancelled: bool
    invoice_entries: tuple[int, ...] = ()
