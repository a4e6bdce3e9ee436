"""A hand-written in-memory InvoiceStore for service tests."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date

from kiosk.domain.billing_preference import BillingPreference
from kiosk.domain.customer import Customer
from kiosk.domain.invoice import Invoice, SapDocumentStatus
from kiosk.domain.search_text import name_words, tax_id_key


class InMemoryInvoiceStore:
    """Implements services.ports.InvoiceStore with dictionaries."""

    def __init__(self) -> None:
        self.invoices: dict[int, Invoice] = {}
        self.customers: dict[str, Customer] = {}
        self.preferences: dict[str, BillingPreference] = {}

    def invoices_by_number(self, doc_num: int) -> list[Invoice]:
        return sorted(
            (i for i in self.invoices.values() if i.doc_num == doc_num), key=lambda i: i.doc_entry
        )

    def invoices_for_customer(
        self, customer_code: str, *, limit: int, offset: int = 0, with_lines: bool = True
    ) -> list[Invoice]:
        mine = [i for i in self.invoices.values() if i.customer_code == customer_code]
        mine.sort(key=lambda i: (i.posting_date, i.doc_entry), reverse=True)
        page = mine[offset : offset + limit]
        return page if with_lines else [dataclasses.replace(i, lines=()) for i in page]

    def invoices_issued_since(self, day: date) -> list[Invoice]:
        found = [i for i in self.invoices.values() if i.document_date >= day]
        return sorted(
            (dataclasses.replace(i, lines=()) for i in found),
            key=lambda i: (i.document_date, i.doc_entry),
        )

    def open_invoices_for_customer(self, customer_code: str) -> list[Invoice]:
        mine = [
            i
            for i in self.invoices.values()
            if i.customer_code == customer_code
            and i.sap_status is SapDocumentStatus.OPEN
            and not i.cancelled
        ]
        return sorted(
            (dataclasses.replace(i, lines=()) for i in mine),
            key=lambda i: (i.due_date, i.doc_entry),
        )

    def customer(self, customer_code: str) -> Customer | None:
        return self.customers.get(customer_code)

    def customers_by_tax_id(self, tax_id: str) -> list[Customer]:
        key = tax_id_key(tax_id)
        return [c for c in self.customers.values() if c.tax_id and tax_id_key(c.tax_id) == key]

    def customers_known_as(self, who: str) -> list[Customer]:
        by_code = [c for code in {who, who.upper()} if (c := self.customers.get(code))]
        found = {c.code: c for c in [*by_code, *self.customers_by_tax_id(who)]}
        return [found[code] for code in sorted(found)]

    def has_invoice(self, customer_code: str, doc_num: int) -> bool:
        return any(i.customer_code == customer_code for i in self.invoices_by_number(doc_num))

    def customers_by_name(self, text: str, *, limit: int) -> list[Customer]:
        typed = name_words(text)
        found = [
            customer
            for customer in self.customers.values()
            if typed
            and all(
                any(word.startswith(prefix) for word in name_words(customer.name))
                for prefix in typed
            )
        ]
        return found[:limit]

    def billing_preference(self, customer_code: str) -> BillingPreference | None:
        return self.preferences.get(customer_code)

    def upsert_customers(self, customers: Iterable[Customer]) -> int:
        count = 0
        for customer in customers:
            self.customers[customer.code] = customer
            count += 1
        return count

    def upsert_invoices(self, invoices: Iterable[Invoice]) -> int:
        count = 0
        for invoice in invoices:
            self.invoices[invoice.doc_entry] = invoice
            count += 1
        return count
