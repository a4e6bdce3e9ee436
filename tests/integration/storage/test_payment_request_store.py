"""Numbering payment requests per kiosk number, above the mark of what SAP has seen paid."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import Engine

from kiosk.bundled_files import migrations_path
from kiosk.domain.money import Money
from kiosk.domain.payment_reference import make_reference
from kiosk.domain.payment_request import PaymentRequest, RequestedInvoice
from kiosk.storage.payment_request_store import SqlPaymentRequestStore
from kiosk.storage.schema_migration import ensure_schema


@pytest.fixture
def requests(engine: Engine) -> SqlPaymentRequestStore:
    ensure_schema(engine, migrations_path())
    return SqlPaymentRequestStore(engine)


def add(requests: SqlPaymentRequestStore, kiosk_number: int, doc_entry: int) -> PaymentRequest:
    sequence = requests.next_request_number(kiosk_number)
    amount = Money.of("100.00", "MXN")
    return requests.add_payment_request(
        PaymentRequest(
            reference=make_reference(kiosk_number, sequence),
            customer_code="C001",
            customer_name="Abarrotes Maya",
            invoices=(RequestedInvoice(doc_entry, 1000 + doc_entry, "2026-12-01", amount),),
            total=amount,
            created_at=datetime(2026, 12, 1, 9),
        )
    )


def test_each_kiosk_number_counts_its_own_sequence(requests: SqlPaymentRequestStore):
    made = [add(requests, 1, 1), add(requests, 1, 2), add(requests, 2, 3), add(requests, 1, 4)]

    assert [r.reference[:8] for r in made] == ["01000001", "01000002", "02000001", "01000003"]
    assert requests.next_request_number(2) == 2 and requests.next_request_number(5) == 1


def test_the_next_sequence_starts_above_the_mark_sap_has_seen(requests: SqlPaymentRequestStore):
    assert requests.reference_mark(4) is None  # SAP not asked yet

    requests.raise_reference_mark(4, 0)  # asked: nothing paid yet
    assert requests.reference_mark(4) == 0 and requests.next_request_number(4) == 1
    requests.raise_reference_mark(4, 41)
    requests.raise_reference_mark(4, 17)  # an older payment read later: the mark stays
    assert requests.reference_mark(4) == 41 and requests.next_request_number(4) == 42
    assert add(requests, 4, 1).reference[:8] == "04000042"
    assert requests.next_request_number(4) == 43
    assert requests.reference_mark(3) is None and requests.next_request_number(3) == 1
