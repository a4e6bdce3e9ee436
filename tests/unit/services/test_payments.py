"""Payment requests: grouping invoices, reusing an open request, and oldest-first allocation."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from kiosk.domain.errors import InvalidValue, NotFound
from kiosk.domain.money import Money
from kiosk.domain.payment_reference import is_valid_reference
from kiosk.domain.payment_request import PaymentRequest, allocate_oldest_first
from kiosk.payments.qr_encoder import QrEncoder
from kiosk.payments.url_template import UrlTemplateBuilder
from kiosk.services.payments import PaymentService
from tests.builders import make_invoice
from tests.fakes.in_memory_invoice_store import InMemoryInvoiceStore
from tests.fakes.mutable_clock import MutableClock


class InMemoryRequests:
    def __init__(self) -> None:
        self.requests: dict[str, PaymentRequest] = {}

    def add_payment_request(self, request):
        self.requests[request.reference] = request
        return request

    def next_request_number(self, kiosk_number):
        return len(self.requests) + 1

    def reference_mark(self, kiosk_number):
        return None

    def raise_reference_mark(self, kiosk_number, sequence):
        return None

    def payment_request(self, reference):
        return self.requests.get(reference)

    def open_requests(self, customer_code, doc_entry):
        return [
            r
            for r in self.requests.values()
            if r.customer_code == customer_code and doc_entry in {i.doc_entry for i in r.invoices}
        ]

    def settle_payment_request(self, reference, payment_doc_entry):
        return False


@pytest.fixture
def service():
    store = InMemoryInvoiceStore()
    store.upsert_invoices(
        [
            make_invoice(1, doc_num=501, due_date=date(2026, 3, 1), total="100.00"),
            make_invoice(
                2, doc_num=502, due_date=date(2026, 1, 1), total="50.50", paid_to_date="0.50"
            ),
            make_invoice(3, doc_num=503, customer_code="OTHER"),
            make_invoice(4, doc_num=504, paid_to_date="232.00"),
            make_invoice(5, doc_num=505, currency="USD"),
        ]
    )
    return PaymentService(
        store,
        InMemoryRequests(),
        UrlTemplateBuilder("https://pay.example.com/p/{reference}?a={amount}"),
        QrEncoder(),
        MutableClock(datetime(2026, 11, 20, 10)),
    )


def test_one_request_for_several_invoices_oldest_due_first(service):
    request = service.request_for_numbers([501, 502])

    assert request.total == Money.of("150.00", "MXN")
    assert request.doc_nums == (502, 501)
    assert is_valid_reference(request.reference)
    assert service.qr_code(request).payload.endswith(f"/{request.reference}?a=150.00")


def test_the_open_request_is_reused_for_the_same_invoices(service):
    first = service.request_for_numbers([501, 502])

    assert service.request_for_numbers([502, 501]).reference == first.reference
    assert service.request_for_numbers([501]).reference != first.reference


@pytest.mark.parametrize(
    ("numbers", "problem"),
    [([501, 503], "one customer"), ([504], "nothing left to pay"), ([501, 505], "mix currencies")],
)
def test_requests_that_cannot_be_paid_together_are_explained(service, numbers, problem):
    with pytest.raises(InvalidValue, match=problem):
        service.request_for_numbers(numbers)


def test_unknown_invoice_or_reference(service):
    with pytest.raises(NotFound, match="999"):
        service.request_for_numbers([999])
    with pytest.raises(NotFound, match="0000000195"):
        service.request("0000000195")


def test_partial_payment_is_allocated_oldest_first(service):
    request = service.request_for_numbers([501, 502])

    allocations = allocate_oldest_first(request, Money.of("70.00", "MXN"))

    assert [(i.doc_num, m.amount) for i, m in allocations] == [(502, 50), (501, 20)]
    with pytest.raises(InvalidValue, match="exceeds"):
        allocate_oldest_first(request, Money.of("150.01", "MXN"))
    with pytest.raises(InvalidValue, match="USD"):
        allocate_oldest_first(request, Money.of("1", "USD"))
