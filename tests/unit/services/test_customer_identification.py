"""Customer identification: the second factor, the order of the list, and throttling."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from kiosk.domain.errors import InvalidValue
from kiosk.domain.invoice import SapDocumentStatus
from kiosk.domain.kiosk_code import make_kiosk_code
from kiosk.services.customer_identification import (
    CustomerIdentification,
    IdentificationFailed,
    InvoicesNotDownloadedYet,
    TooManyAttempts,
)
from kiosk.services.ports.sync import SyncCursor
from tests.builders import make_customer, make_invoice
from tests.fakes.in_memory_cursor_store import InMemoryCursorStore
from tests.fakes.in_memory_invoice_store import InMemoryInvoiceStore
from tests.fakes.mutable_clock import MutableClock

TODAY = datetime(2026, 3, 1, 10, 0)


@pytest.fixture
def store() -> InMemoryInvoiceStore:
    store = InMemoryInvoiceStore()
    store.upsert_customers([make_customer("C001"), make_customer("C002", tax_id="OTR990101XY2")])
    store.upsert_invoices(
        [
            make_invoice(1, due_date=date(2026, 4, 1)),  # open
            make_invoice(2, due_date=date(2026, 2, 1)),  # overdue
            make_invoice(3, paid_to_date="232.00", sap_status=SapDocumentStatus.CLOSED),
            make_invoice(4, customer_code="C002", customer_tax_id="OTR990101XY2"),
        ]
    )
    return store


def test_tax_id_in_any_spelling_and_an_own_invoice_identify_the_customer(
    store: InMemoryInvoiceStore,
) -> None:
    found = CustomerIdentification(store, MutableClock(TODAY)).identify("cpn010101ab1", " 1001 ")

    assert found.customer.code == "C001"
    assert [i.doc_num for i in found.invoices] == [1002, 1001, 1003]  # overdue, open, paid


def test_customer_code_works_too(store: InMemoryInvoiceStore) -> None:
    found = CustomerIdentification(store, MutableClock(TODAY)).identify("c002", "1004")

    assert found.customer.code == "C002"


def test_someone_elses_invoice_number_does_not_identify(store: InMemoryInvoiceStore) -> None:
    with pytest.raises(IdentificationFailed):
        CustomerIdentification(store, MutableClock(TODAY)).identify("C001", "1004")


def test_missing_input_is_named_not_counted(store: InMemoryInvoiceStore) -> None:
    identification = CustomerIdentification(store, MutableClock(TODAY))
    for _ in range(5):
        with pytest.raises(InvalidValue, match="invoice number"):
            identification.identify("C001", "abc")
    assert identification.identify("C001", "1001").customer.code == "C001"


def test_three_failures_pause_identification_for_a_minute(store: InMemoryInvoiceStore) -> None:
    clock = MutableClock(TODAY)
    identification = CustomerIdentification(store, clock)
    for number in ("9991", "9992", "9993"):
        with pytest.raises(IdentificationFailed):
            identification.identify("C001", number)

    with pytest.raises(TooManyAttempts) as paused:
        identification.identify("C001", "1001")  # even the right answer waits
    assert paused.value.seconds_left == 61

    clock.advance(seconds=61)
    assert identification.identify("C001", "1001").customer.code == "C001"


@pytest.mark.parametrize(
    ("who", "number"),
    [("KIOSK 1004 C002", ""), ("", "KIOSK 1004 C002"), ("", "kiosk 1004 c002\n")],
    ids=["scanned-into-who", "scanned-into-number", "lower-case-with-enter"],
)
def test_a_scanned_kiosk_code_identifies_from_either_field(
    store: InMemoryInvoiceStore, who: str, number: str
) -> None:
    found = CustomerIdentification(store, MutableClock(TODAY)).identify(who, number)

    assert found.customer.code == "C002"


def test_a_made_up_kiosk_code_counts_as_a_failure(store: InMemoryInvoiceStore) -> None:
    identification = CustomerIdentification(store, MutableClock(TODAY))
    for number in ("1001", "1002", "1003"):  # C001's invoices, claimed for C002
        with pytest.raises(IdentificationFailed):
            identification.identify(make_kiosk_code(int(number), "C002"), "")

    with pytest.raises(TooManyAttempts):
        identification.identify(make_kiosk_code(1004, "C002"), "")


def test_nobody_is_identified_before_the_first_download_of_invoices_finished(
    store: InMemoryInvoiceStore,
):
    cursors = InMemoryCursorStore()
    identification = CustomerIdentification(store, MutableClock(TODAY), cursors)
    cursors.save_cursor(SyncCursor("customers", last_success_at=TODAY))
    cursors.save_cursor(SyncCursor("invoices", last_error="SAP unreachable"))

    for _attempt in range(4):  # not the customer's fault: it never pauses identification
        with pytest.raises(InvoicesNotDownloadedYet):
            identification.identify("C001", "1001")

    cursors.save_cursor(SyncCursor("invoices", last_success_at=TODAY))
    assert identification.identify("C001", "1001").customer.code == "C001"


def test_an_empty_field_is_explained_before_waiting_for_the_download(
    store: InMemoryInvoiceStore,
):
    identification = CustomerIdentification(store, MutableClock(TODAY), InMemoryCursorStore())

    with pytest.raises(InvalidValue):
        identification.identify("", "1001")


def test_a_mistyped_rfc_is_told_as_such_and_is_no_failed_attempt(store: InMemoryInvoiceStore):
    from kiosk.cfdi.rfc import check_rfc
    from kiosk.domain.rfc import InvalidRfc

    identification = CustomerIdentification(store, MutableClock(TODAY), check_rfc=check_rfc)
    for _ in range(5):
        with pytest.raises(InvalidRfc) as refused:
            identification.identify("PEGJ800101AB1", "1001")
        assert refused.value.reason == "check_digit" and refused.value.rfc == "PEGJ800101AB1"
    # Five refusals and still no pause: the next real attempt goes through.
    assert identification.identify("C001", "1001").customer.code == "C001"


def test_an_rfc_sap_holds_is_accepted_even_if_its_check_digit_is_off(
    store: InMemoryInvoiceStore,
):
    from kiosk.cfdi.rfc import check_rfc

    store.upsert_customers([make_customer("C003", tax_id="PEGJ800101AB1")])
    store.upsert_invoices([make_invoice(5, customer_code="C003", customer_tax_id="PEGJ800101AB1")])
    identification = CustomerIdentification(store, MutableClock(TODAY), check_rfc=check_rfc)
    assert identification.identify("pegj-800101-ab1", "1005").customer.code == "C003"
