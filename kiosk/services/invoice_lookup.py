"""Finding invoices and customers the way customers and clerks ask for them."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.domain.billing_preference import BillingPreference
from kiosk.domain.customer import Customer
from kiosk.domain.errors import InvalidValue, NotFound
from kiosk.domain.invoice import Invoice
from kiosk.domain.money import Money
from kiosk.services.ports.cache import InvoiceStore

MAX_SEARCH_TEXT = 100


@dataclass(frozen=True, slots=True)
class CustomerOverview:
    """A customer with their preference, open balance per currency and recent invoices."""

    customer: Customer
    preference: BillingPreference | None
    open_balance: tuple[Money, ...]
    open_invoice_count: int
    recent_invoices: tuple[Invoice, ...]


class InvoiceLookup:
    """Read-side use cases over the local cache; works the same online and offline."""

    def __init__(self, store: InvoiceStore) -> None:
        self._store = store

    def invoices_by_number(self, doc_num: int) -> list[Invoice]:
        """Return the invoices with this number, or explain that there is none."""
        invoices = self._store.invoices_by_number(doc_num)
        if not invoices:
            raise NotFound(f"no invoice with number {doc_num} in the local cache")
        return invoices

    def invoices_for_customer(self, customer_code: str, *, limit: int = 20) -> list[Invoice]:
        """Return a customer's most recent invoices as a list shows them: without their lines."""
        return self._store.invoices_for_customer(customer_code, limit=limit, with_lines=False)

    def search(self, text: str, *, limit: int = 20) -> list[Invoice]:
        """Find invoices by number, customer code, tax ID or name (lines only when by number)."""
        query = _clean_query(text)
        found: dict[int, Invoice] = {}
        if query.isdigit():
            for invoice in self._store.invoices_by_number(int(query)):
                found[invoice.doc_entry] = invoice
        for customer in self.search_customers(query, limit=limit):
            if len(found) >= limit:
                break
            remaining = limit - len(found)
            listed = self._store.invoices_for_customer(
                customer.code, limit=remaining, with_lines=False
            )
            for invoice in listed:
                found.setdefault(invoice.doc_entry, invoice)
        return list(found.values())[:limit]

    def search_customers(self, text: str, *, limit: int = 20) -> list[Customer]:
        """Find customers by exact code, tax ID, or the start of words in their name."""
        query = _clean_query(text)
        matches: dict[str, Customer] = {}
        for code in dict.fromkeys((query, query.upper())):
            exact = self._store.customer(code)
            if exact is not None:
                matches[exact.code] = exact
        for customer in self._store.customers_by_tax_id(query):
            matches.setdefault(customer.code, customer)
        if len(matches) < limit:
            for customer in self._store.customers_by_name(query, limit=limit):
                matches.setdefault(customer.code, customer)
        return list(matches.values())[:limit]

    def open_invoices(self, customer_code: str) -> list[Invoice]:
        """The customer's open invoices, the soonest due first."""
        return self._store.open_invoices_for_customer(customer_code)

    def customer_overview(self, customer_code: str, *, recent: int = 20) -> CustomerOverview:
        """Return everything a clerk needs to see about one customer."""
        customer = self._store.customer(customer_code)
        if customer is None:
            raise NotFound(f"no customer with code {customer_code!r} in the local cache")
        open_invoices = self.open_invoices(customer_code)
        balances: dict[str, Money] = {}
        for invoice in open_invoices:
            due = invoice.amount_due
            balances[due.currency] = balances.get(due.currency, Money.zero(due.currency)) + due
        return CustomerOverview(
            customer=customer,
            preference=self._store.billing_preference(customer_code),
            open_balance=tuple(balances[currency] for currency in sorted(balances)),
            open_invoice_count=sum(
                1 for invoice in open_invoices if invoice.amount_due.is_positive()
            ),
            recent_invoices=tuple(self.invoices_for_customer(customer_code, limit=recent)),
        )


def _clean_query(text: str) -> str:
    query = " ".join(text.split())
    if not query:
        raise InvalidValue("type an invoice number, a customer code, a tax ID or a name")
    if len(query) > MAX_SEARCH_TEXT:
        raise InvalidValue(f"the search text is longer than {MAX_SEARCH_TEXT} characters")
    return query
