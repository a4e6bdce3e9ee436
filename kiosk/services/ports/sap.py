"""SAP Business One as sync and the outbox need it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Protocol

from kiosk.domain.billing_preference import BillingChannel
from kiosk.domain.incoming_payment import IncomingPayment
from kiosk.domain.invoice_record import InvoiceRecord
from kiosk.services.ports.sync import Pulled, SapCustomer


class SapGateway(Protocol):
    """SAP Business One as sync and the outbox need it."""

    def connect(self) -> None: ...

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
