"""Invoice lookup: the ways customers and clerks ask for invoices, over a fake store."""

from __future__ import annotations

from datetime import date

import pytest

from kiosk.domain.errors import InvalidValue, NotFound
from kiosk.domain.money import Money
from kiosk.services.invoice_lookup import InvoiceLookup
from tests.builders import make_customer, make_invoice, make_preference
from tests.fakes.in_memory_invoice_store import InMemoryInvoiceStore


@pytest.fixture
def store() -> InMemoryInvoiceStore:
    store = InMemoryInvoiceStore()
    store.upsert_customers(
        [
            make_customer("C001", name="Comercializadora Peña del Norte", tax_id="CPN-010101-AB1"),
            make_customer("C002", name="Juan Pérez García", tax_id="PEGJ800101XY2"),
        ]
    )
    store.upsert_invoices(
        [
            make_invoice(1, doc_num=5001, customer_code="C001", posting_date=date(2026, 1, 1)),
            make_invoice(2, doc_num=5002, customer_code="C001", posting_date=date(2026, 2, 1)),
            make_invoice(3, doc_num=7001, customer_code="C002"),
        ]
    )
    return store


@pytest.fixture
def lookup(store: InMemoryInvoiceStore) -> InvoiceLookup:
    return InvoiceLookup(store)


def test_search_by_invoice_number(lookup: InvoiceLookup):
    assert [i.doc_num for i in lookup.search("7001")] == [7001]


def test_search_by_customer_code_lists_newest_first(lookup: InvoiceLookup):
    assert [i.doc_num for i in lookup.search("c001")] == [5002, 5001]


def test_search_by_tax_id_ignores_case_and_dashes(lookup: InvoiceLookup):
    assert [i.doc_num for i in lookup.search("pegj-800101-xy2")] == [7001]


def test_search_by_name_words_without_accents(lookup: InvoiceLookup):
    assert [i.doc_num for i in lookup.search("perez gar")] == [7001]
    assert {c.code for c in lookup.search_customers("pe")} == {"C001", "C002"}


def test_search_respects_the_limit(lookup: InvoiceLookup):
    assert len(lookup.search("C001", limit=1)) == 1


@pytest.mark.parametrize("text", ["", "   ", "x" * 101])
def test_unusable_search_text_is_explained(lookup: InvoiceLookup, text: str):
    with pytest.raises(InvalidValue):
        lookup.search(text)


def test_unknown_invoice_number_is_not_found(lookup: InvoiceLookup):
    with pytest.raises(NotFound, match="no invoice with number 9999"):
        lookup.invoices_by_number(9999)


def test_customer_overview_sums_what_is_due_per_currency(store, lookup: InvoiceLookup):
    store.upsert_invoices(
        [
            make_invoice(10, customer_code="C002", total="100.00", paid_to_date="40.00"),
            make_invoice(11, customer_code="C002", total="50.00", currency="USD"),
            make_invoice(12, customer_code="C002", total="70.00", cancelled=True),
            make_invoice(13, customer_code="C002", total="80.00", paid_to_date="80.00"),
        ]
    )
    store.preferences["C002"] = make_preference("C002")

    overview = lookup.customer_overview("C002")

    # Invoice 3 (232.00) + invoice 10 (60.00 left) in MXN; invoice 11 in USD.
    assert overview.open_balance == (Money.of("292.00", "MXN"), Money.of("50.00", "USD"))
    assert overview.open_invoice_count == 3
    assert overview.preference == make_preference("C002")
    assert len(overview.recent_invoices) == 5


def test_customer_overview_of_unknown_customer(lookup: InvoiceLookup):
    with pytest.raises(NotFound, match="C999"):
        lookup.customer_overview("C999")
