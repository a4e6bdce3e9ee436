"""SAP Business One as sync and the outbox need it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Generic, Protocol, TypeVar

from kiosk.domain.billing_preference import BillingChannel
from kiosk.domain.incoming_payment import IncomingPayment
from kiosk.domain.invoice_record import InvoiceRecord
from kiosk.services.ports.sync import Pulled, SapCustomer

Record = TypeVar("Record")


Window = tuple[int, int]
"""A range of DocEntries, first and last included."""


@dataclass(frozen=True)
class WindowPage(Generic[Record]):
    """One page of a window of DocEntries read in parallel with others; `finished` when it is
    the window's last."""

    window: Window
    records: list[Record]
    finished: bool


class SapGateway(Protocol):
    """SAP Business One as sync and the outbox need it."""

    parallel_requests: int
    """How many requests a read in windows keeps in flight at most (1: none in parallel)."""

    def connect(self) -> None: ...

    def highest_invoice_entry(self) -> int:
        """The highest DocEntry of an invoice in SAP (0 when there is none)."""
        ...

    def invoices_in_windows(
        self, ranges: list[Window]
    ) -> Iterator[WindowPage[Pulled[InvoiceRecord]]]:
        """Every invoice in these DocEntry ranges, read in windows of one page, several at a
        time; pages come in the order SAP answers them."""
        ...

    def changed_invoices(self, since: date | None) -> Iterator[list[Pulled[InvoiceRecord]]]: ...

    def invoices_after(self, doc_entry: int) -> Iterator[list[Pulled[InvoiceRecord]]]: ...

    def invoices_by_entries(
        self, doc_entries: list[int]
    ) -> Iterator[list[Pulled[InvoiceRecord]]]: ...

    def changed_business_partners(
        self, since: date | None
    ) -> Iterator[list[Pulled[SapCustomer]]]: ...

    def incoming_payments_after(self, doc_entry: int) -> Iterator[list[IncomingPayment]]: ...

    def latest_payment_entry(self) -> int: ...

    def highest_payment_reference(self, prefix: str) -> str | None:
        """The highest valid kiosk reference starting with `prefix` a payment quotes, if any."""
        ...

    def business_partner(self, card_code: str) -> Pulled[SapCustomer]: ...

    def set_billing_preference(
        self, card_code: str, channel: BillingChannel, email: str | None
    ) -> None: ...

    def create_invoice_activity(
        self,
        doc_entry: int,
        doc_num: int,
        card_code: str,
        *,
        details: str,
        notes: str,
        reference: str,
        at: datetime,
    ) -> int: ...

    def flag_invoice(self, doc_entry: int, field: str, value: str) -> None:
        """Set one UDF of an invoice (an absolute value: safe to repeat)."""
        ...

    def set_partner_fields(self, card_code: str, fields: dict[str, str]) -> None:
        """Set UDFs of a business partner (absolute values: safe to repeat)."""
        ...

    def activities_with_reference(self, reference: str) -> list[int]:
        """The Activities SAP holds with this kiosk reference (a lost answer's POST, if any)."""
        ...
