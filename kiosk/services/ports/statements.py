"""What a statement of account is made from (the customer ledger) and what makes its files."""

from __future__ import annotations

from datetime import date
from typing import Protocol

from kiosk.domain.credit_note import CreditNote
from kiosk.domain.incoming_payment import IncomingPayment
from kiosk.domain.statement import Statement


class StatementLedger(Protocol):
    """The part of the customer ledger (ports.ledger.LedgerStore) a statement reads."""

    def credit_notes_for_customer(self, customer_code: str, until: date) -> list[CreditNote]:
        """The customer's credit notes posted on or before `until`, oldest first."""
        ...

    def payments_for_customer(self, customer_code: str, until: date) -> list[IncomingPayment]:
        """The customer's payments dated on or before `until`, oldest first."""
        ...

    def history_complete(self) -> bool:
        """False while old payments are still being downloaded."""
        ...


class StatementRenderer(Protocol):
    """Makes a statement's PDF."""

    def render(self, statement: Statement, *, language: str) -> bytes: ...


class StatementTableWriter(Protocol):
    """Makes a statement's CSV: one row per entry, with opening and closing rows."""

    def render(self, statement: Statement, *, language: str) -> bytes: ...
