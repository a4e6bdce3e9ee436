"""The customer ledger: the credit notes and payments SAP recorded, as the cache keeps them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import Protocol

from kiosk.domain.credit_note import CreditNote
from kiosk.domain.incoming_payment import IncomingPayment

PAYMENT_HISTORY = "ledger_payments"
"""The sync cursor of the back-fill of old payments.

`last_key` is the highest DocEntry of the earlier payments still to be read: the back-fill goes
down from the payments mark, a window of DocEntries per pass, and every payment above it is in
the cache (or read by the pass under way). 0 once all are; no cursor: not begun.
"""


class LedgerStore(Protocol):
    """Credit notes and incoming payments by DocEntry; each write is one transaction."""

    def store_credit_notes(self, notes: Sequence[CreditNote]) -> int:
        """Insert or replace these credit notes with their invoice links; returns how many."""
        ...

    def store_payments(self, payments: Sequence[IncomingPayment]) -> int:
        """Insert or replace these payments with their allocations; returns how many."""
        ...

    def credit_notes_for_customer(self, customer_code: str, until: date) -> list[CreditNote]:
        """The customer's credit notes posted on or before `until`, cancelled ones included
        (marked), oldest first."""
        ...

    def payments_for_customer(self, customer_code: str, until: date) -> list[IncomingPayment]:
        """The customer's payments dated on or before `until`, cancelled ones included
        (marked), oldest first."""
        ...

    def credit_notes_after(self, doc_entry: int) -> Iterator[list[CreditNote]]:
        """Pages of the cached credit notes with a higher DocEntry, in DocEntry order."""
        ...

    def history_complete(self) -> bool:
        """Whether every payment SAP recorded before the kiosk began keeping them is cached."""
        ...


class LedgerSource(Protocol):
    """SAP's credit notes and incoming payments, read by DocEntry."""

    def credit_notes_after(self, doc_entry: int) -> Iterator[list[CreditNote]]: ...

    def incoming_payments_between(self, after: int, up_to: int) -> Iterator[list[IncomingPayment]]:
        """Pages of the payments with `after` < DocEntry <= `up_to`, in DocEntry order."""
        ...
