"""The SQL invoice store on a real database: exact money, upserts and the lookups people make."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text

from kiosk.domain.customer import Address
from kiosk.domain.invoice import SapDocumentStatus
from kiosk.domain.money import Money
from kiosk.services.errors import ExternalRejected, ExternalUnavailable
from kiosk.storage.cache_sync_store import BATCH_SIZE
from kiosk.storage.database import create_database_engine
from kiosk.storage.invoice_store import SqlInvoiceStore, _prefix_upper_bound
from kiosk.storage.schema_migration import current_revision
from kiosk.storage.tables import InvoiceLineRow
from tests.builders import make_customer, make_invoice, make_line


def test_invoice_round_trips_exactly(store: SqlInvoiceStore):
    invoice = make_invoice(
        42,
        total="1234567.89",
        paid_to_date="0.01",
        lines=(
            make_line(
                0, unit_price=Decimal("0.333333"), quantity=Decimal("3"), line_total=Decimal("1.00")
            ),
            make_line(1, description="Café de Córdoba, año 2026 — ñandú"),
        ),
    )

    store.upsert_invoices([invoice])

    assert store.invoices_by_number(invoice.doc_num) == [invoice]
    assert store.invoices_by_number(invoice.doc_num)[0].total.amount == Decimal("1234567.89")


def test_amounts_beyond_six_decimals_are_refused_not_rounded(store: SqlInvoiceStore):
    invoice = make_invoice(1, lines=(make_line(0, unit_price=Decimal("0.1234567")),))

    with pytest.raises(Exception, match="more than 6 decimals"):
        store.upsert_invoices([invoice])
    assert store.counts()["invoices"] == 0  # the whole batch rolled back


def test_upserting_the_same_invoice_twice_keeps_one_with_the_new_values(
    store: SqlInvoiceStore, engine: Engine
):
    store.upsert_invoices([make_invoice(5, lines=(make_line(0), make_line(1), make_line(2)))])
    updated = make_invoice(
        5, paid_to_date="232.00", sap_status=SapDocumentStatus.CLOSED, lines=(make_line(0),)
    )

    store.upsert_invoices([updated])

    assert store.invoices_by_number(updated.doc_num) == [updated]
    assert store.counts()["invoices"] == 1
    with engine.connect() as connection:
        line_count = connection.execute(select(func.count()).select_from(InvoiceLineRow)).scalar()
    assert line_count == 1


def test_bulk_upsert_spans_several_transactions(store: SqlInvoiceStore):
    invoices = (make_invoice(n, doc_num=n) for n in range(1, BATCH_SIZE * 2 + 2))

    assert store.upsert_invoices(invoices) == BATCH_SIZE * 2 + 1
    assert store.counts()["invoices"] == BATCH_SIZE * 2 + 1


def test_same_number_in_two_series_returns_both(store: SqlInvoiceStore):
    store.upsert_invoices([make_invoice(1, doc_num=300), make_invoice(2, doc_num=300)])

    assert [i.doc_entry for i in store.invoices_by_number(300)] == [1, 2]
    assert store.invoices_by_number(301) == []


def test_customer_listing_is_newest_first_and_paged(store: SqlInvoiceStore):
    store.upsert_invoices(
        make_invoice(n, customer_code="C9", posting_date=date(2026, 1, n)) for n in range(1, 26)
    )
    store.upsert_invoices([make_invoice(99, customer_code="OTHER")])

    first = store.invoices_for_customer("C9", limit=20)
    rest = store.invoices_for_customer("C9", limit=20, offset=20)

    assert [i.doc_entry for i in first] == list(range(25, 5, -1))
    assert [i.doc_entry for i in rest] == [5, 4, 3, 2, 1]


def test_lists_come_without_lines_and_single_invoices_with_them(store: SqlInvoiceStore):
    store.upsert_invoices([make_invoice(1, customer_code="C7")])

    listed = store.invoices_for_customer("C7", limit=5, with_lines=False)
    opened = store.invoices_by_number(1001)

    assert listed[0].lines == () and listed[0].total == opened[0].total
    assert len(opened[0].lines) == 2
    assert store.invoices_for_customer("C7", limit=5)[0] == opened[0]


def test_open_invoices_leave_out_closed_and_cancelled(store: SqlInvoiceStore):
    store.upsert_invoices(
        [
            make_invoice(1, due_date=date(2026, 3, 1)),
            make_invoice(2, due_date=date(2026, 2, 1)),
            make_invoice(3, sap_status=SapDocumentStatus.CLOSED),
            make_invoice(4, cancelled=True),
        ]
    )

    assert [i.doc_entry for i in store.open_invoices_for_customer("C001")] == [2, 1]


def test_customer_round_trip_and_tax_id_lookup_ignores_case_spaces_and_dashes(
    store: SqlInvoiceStore,
):
    customer = make_customer("C100", tax_id="ABC-850101-X1Z", address=Address(city="Querétaro"))
    store.upsert_customers([customer, make_customer("C101", tax_id=None)])

    assert store.customer("C100") == customer
    assert store.customer("c100") is None  # SAP card codes are case-sensitive
    assert store.customers_by_tax_id("abc 850101 x1z") == [customer]
    assert store.customers_by_tax_id("  ") == []


def test_customers_known_as_reads_codes_and_tax_ids_in_one_query(store: SqlInvoiceStore):
    by_code = make_customer("ABC850101X1Z", tax_id="XAXX-010101-000")
    by_tax_id = make_customer("C200", tax_id="ABC-850101-X1Z")
    lower = make_customer("c300", tax_id=None)
    store.upsert_customers([by_code, by_tax_id, lower, make_customer("C400", tax_id="OTRO")])

    assert store.customers_known_as("abc850101x1z") == [by_code, by_tax_id]
    assert store.customers_known_as("c300") == [lower]
    assert store.customers_known_as("xaxx 010101 000") == [by_code]
    assert store.customers_known_as("nadie") == []


def test_an_invoice_listed_twice_in_one_page_is_stored_as_its_last_copy(store: SqlInvoiceStore):
    first = make_invoice(5, lines=(make_line(0), make_line(1), make_line(2)))
    last = make_invoice(5, total="500.00", lines=(make_line(0),))

    store.upsert_invoices([first, last])

    assert store.invoices_by_number(first.doc_num) == [last]


def test_has_invoice_answers_for_that_customer_only(store: SqlInvoiceStore):
    store.upsert_invoices([make_invoice(1, doc_num=700), make_invoice(2, doc_num=701)])
    store.upsert_invoices([make_invoice(3, doc_num=700, customer_code="C002")])

    assert store.has_invoice("C001", 700) and store.has_invoice("C002", 700)
    assert not store.has_invoice("C002", 701)
    assert not store.has_invoice("C001", 999)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("pe", ["C1", "C2"]),
        ("PEÑA", ["C1"]),
        ("norte pen", ["C1"]),
        ("garc", ["C2"]),
        ("zu", ["C3"]),
        ("zz", []),
        ("--", []),
    ],
)
def test_name_type_ahead_matches_word_starts(store: SqlInvoiceStore, typed, expected):
    store.upsert_customers(
        [
            make_customer("C1", name="Comercializadora Peña del Norte"),
            make_customer("C2", name="José Pérez García"),
            make_customer("C3", name="Zurich Seguros"),
        ]
    )

    assert [c.code for c in store.customers_by_name(typed, limit=20)] == expected


def test_type_ahead_limit_counts_customers_not_words(store: SqlInvoiceStore):
    store.upsert_customers(
        make_customer(f"C{n}", name=f"Garza García Garfias {n}") for n in range(30)
    )

    found = store.customers_by_name("gar", limit=20)

    assert len(found) == 20 and len({c.code for c in found}) == 20


def test_renaming_a_customer_replaces_its_name_words(store: SqlInvoiceStore):
    store.upsert_customers([make_customer("C1", name="Abarrotes Lupita")])
    store.upsert_customers([make_customer("C1", name="Ferretería Central")])

    assert store.customers_by_name("lupita", limit=5) == []
    assert [c.code for c in store.customers_by_name("ferre", limit=5)] == ["C1"]


def test_prefix_upper_bound_covers_every_word_with_the_prefix():
    assert _prefix_upper_bound("gar") == "gas"
    assert _prefix_upper_bound("az") == "b"
    assert _prefix_upper_bound("a9") == "aa"
    assert _prefix_upper_bound("zz") is None


def test_lines_go_with_their_invoice(store: SqlInvoiceStore, engine: Engine):
    store.upsert_invoices([make_invoice(1)])

    with engine.begin() as connection:
        connection.execute(text("DELETE FROM invoices WHERE doc_entry = 1"))
        remaining = connection.execute(text("SELECT count(*) FROM invoice_lines")).scalar()

    assert remaining == 0


def test_an_unopenable_database_file_is_reported_as_unavailable(tmp_path: Path):
    (tmp_path / "cache.sqlite3").mkdir()  # a folder where the file should be
    engine = create_database_engine(f"sqlite:///{tmp_path / 'cache.sqlite3'}")

    with pytest.raises(ExternalUnavailable, match="unable to open database file"):
        SqlInvoiceStore(engine).counts()


def test_a_file_that_is_no_database_is_named_and_not_retried(tmp_path: Path):
    damaged = tmp_path / "cache.sqlite3"
    damaged.write_bytes(b"%PDF-1.4 not a database at all" * 200)
    engine = create_database_engine(f"sqlite:///{damaged}")

    with pytest.raises(ExternalRejected, match="not a SQLite database or is damaged") as raised:
        current_revision(engine)
    assert str(damaged) in str(raised.value)


def test_a_database_folder_that_cannot_be_made_is_reported(tmp_path: Path):
    (tmp_path / "file").write_text("")

    with pytest.raises(ExternalUnavailable, match="cannot create the database folder"):
        create_database_engine(f"sqlite:///{tmp_path / 'file' / 'sub' / 'cache.sqlite3'}")


def test_a_missing_table_is_a_bug_not_an_outage(engine: Engine):
    with pytest.raises(Exception, match="invoices") as raised:
        SqlInvoiceStore(engine).counts()

    assert not isinstance(raised.value, ExternalUnavailable)


def test_money_is_exact_in_every_currency_column(store: SqlInvoiceStore):
    invoice = make_invoice(3, currency="USD", net_total="0.10", tax_total="0.20", total="0.30")

    store.upsert_invoices([invoice])
    stored = store.invoices_by_number(invoice.doc_num)[0]

    assert stored.net_total + stored.tax_total == stored.total == Money.of("0.30", "USD")


def test_an_empty_database_has_no_schema_revision(engine: Engine):
    assert current_revision(engine) is None
