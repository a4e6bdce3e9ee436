"""Payment requests and their invoices in the local database."""

from __future__ import annotations

from datetime import date
from typing import cast

from sqlalchemy import Engine, Table, func, insert, select, update

from kiosk.domain.money import Money
from kiosk.domain.payment_reference import SEQUENCE_DIGITS
from kiosk.domain.payment_request import PaymentRequest, RequestedInvoice, RequestState
from kiosk.storage.database import unavailable_on_driver_error
from kiosk.storage.scaled_decimal import from_scaled, to_scaled
from kiosk.storage.tables import (
    PaymentReferenceMarkRow,
    PaymentRequestInvoiceRow,
    PaymentRequestRow,
)

requests_table = cast(Table, PaymentRequestRow.__table__)
request_invoices = cast(Table, PaymentRequestInvoiceRow.__table__)
reference_marks = cast(Table, PaymentReferenceMarkRow.__table__)
# The number column holds a reference's body: the kiosk number, then its six-digit sequence.
_PER_KIOSK = 10**SEQUENCE_DIGITS


class SqlPaymentRequestStore:
    """Each call is one short transaction."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def next_request_number(self, kiosk_number: int) -> int:
        """The next sequence for this kiosk: above its own requests and its reference mark."""
        first = kiosk_number * _PER_KIOSK
        highest_here = select(func.max(requests_table.c.number)).where(
            requests_table.c.number.between(first, first + _PER_KIOSK - 1)
        )
        with unavailable_on_driver_error(self._engine), self._engine.connect() as connection:
            highest = connection.execute(highest_here).scalar()
        used = 0 if highest is None else int(highest) - first
        return max(used, self.reference_mark(kiosk_number) or 0) + 1

    def reference_mark(self, kiosk_number: int) -> int | None:
        query = select(reference_marks.c.highest_sequence).where(
            reference_marks.c.kiosk_number == kiosk_number
        )
        with unavailable_on_driver_error(self._engine), self._engine.connect() as connection:
            mark = connection.execute(query).scalar()
        return None if mark is None else int(mark)

    def raise_reference_mark(self, kiosk_number: int, sequence: int) -> None:
        """Remember that SAP has seen this kiosk's sequence; a lower one changes nothing."""
        mark = reference_marks.c.kiosk_number == kiosk_number
        with unavailable_on_driver_error(self._engine), self._engine.begin() as connection:
            raised = connection.execute(
                update(reference_marks)
                .where(mark, reference_marks.c.highest_sequence < sequence)
                .values(highest_sequence=sequence)
            )
            known = select(reference_marks.c.kiosk_number).where(mark)
            if not raised.rowcount and connection.execute(known).first() is None:
                connection.execute(
                    insert(reference_marks).values(
                        kiosk_number=kiosk_number, highest_sequence=sequence
                    )
                )

    def add_payment_request(self, request: PaymentRequest) -> PaymentRequest:
        with unavailable_on_driver_error(self._engine), self._engine.begin() as connection:
            connection.execute(
                insert(requests_table).values(
                    reference=request.reference,
                    number=int(request.reference[:-2]),
                    customer_code=request.customer_code,
                    customer_name=request.customer_name,
                    currency=request.total.currency,
                    total=to_scaled(request.total.amount),
                    created_at=request.created_at,
                    state=request.state.value,
                )
            )
            connection.execute(
                insert(request_invoices),
                [
                    {
                        "reference": request.reference,
                        "doc_entry": invoice.doc_entry,
                        "doc_num": invoice.doc_num,
                        "due_date": date.fromisoformat(invoice.due_date_iso),
                        "amount": to_scaled(invoice.amount.amount),
                    }
                    for invoice in request.invoices
                ],
            )
        return request

    def payment_request(self, reference: str) -> PaymentRequest | None:
        with unavailable_on_driver_error(self._engine), self._engine.connect() as connection:
            row = connection.execute(
                select(requests_table).where(requests_table.c.reference == reference)
            ).first()
            if row is None:
                return None
            invoices = connection.execute(
                select(request_invoices)
                .where(request_invoices.c.reference == reference)
                .order_by(request_invoices.c.due_date, request_invoices.c.doc_num)
            ).all()
        return PaymentRequest(
            reference=row.reference,
            customer_code=row.customer_code,
            customer_name=row.customer_name,
            invoices=tuple(
                RequestedInvoice(
                    i.doc_entry,
                    i.doc_num,
                    i.due_date.isoformat(),
                    Money(from_scaled(i.amount), row.currency),
                )
                for i in invoices
            ),
            total=Money(from_scaled(row.total), row.currency),
            created_at=row.created_at,
            state=RequestState(row.state),
            settled_by_payment=row.settled_by_payment,
        )

    def open_requests(self, customer_code: str, doc_entry: int) -> list[PaymentRequest]:
        """A customer's open requests that include this invoice, newest first."""
        query = (
            select(requests_table.c.reference)
            .join(request_invoices, request_invoices.c.reference == requests_table.c.reference)
            .where(
                requests_table.c.customer_code == customer_code,
                requests_table.c.state == RequestState.OPEN.value,
                request_invoices.c.doc_entry == doc_entry,
            )
            .order_by(requests_table.c.number.desc())
        )
        with unavailable_on_driver_error(self._engine), self._engine.connect() as connection:
            references = list(connection.execute(query).scalars())
        return [request for ref in references if (request := self.payment_request(ref))]

    def settle_payment_request(self, reference: str, payment_doc_entry: int) -> bool:
        """Mark an open request settled by an incoming payment; False if none was open."""
        with unavailable_on_driver_error(self._engine), self._engine.begin() as connection:
            result = connection.execute(
                update(requests_table)
                .where(
                    requests_table.c.reference == reference,
                    requests_table.c.state == RequestState.OPEN.value,
                )
                .values(state=RequestState.SETTLED.value, settled_by_payment=payment_doc_entry)
            )
        return bool(result.rowcount)
