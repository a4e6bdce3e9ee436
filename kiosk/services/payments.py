"""Payment requests: one payment for one or several invoices, with a reference and a QR code."""

from __future__ import annotations

from collections.abc import Sequence

from kiosk.domain.errors import NotFound
from kiosk.domain.invoice import Invoice
from kiosk.domain.payment_reference import make_reference, reference_prefix
from kiosk.domain.payment_request import PaymentRequest, requested_invoices
from kiosk.domain.qr_code import QrCode
from kiosk.domain.tracking import EventKind
from kiosk.services.ports.cache import InvoiceStore
from kiosk.services.ports.clock import Clock
from kiosk.services.ports.payments import PaymentQrBuilder, PaymentRequestStore, QrEncoder
from kiosk.services.tracking import NO_TRACKING, Tracking


class PaymentService:
    """Creates payment requests from cached invoices and gives their QR codes.

    References carry `kiosk_number`, one for each kiosk or counter of the company, so no two
    of them hand out the same reference.
    """

    def __init__(
        self,
        invoices: InvoiceStore,
        requests: PaymentRequestStore,
        qr_builder: PaymentQrBuilder,
        qr_encoder: QrEncoder,
        clock: Clock,
        *,
        kiosk_number: int = 1,
        tracking: Tracking = NO_TRACKING,
    ) -> None:
        self._tracking = tracking
        reference_prefix(kiosk_number)  # refuses a number no reference can carry
        self.kiosk_number = kiosk_number
        self._invoices = invoices
        self._requests = requests
        self._qr_builder = qr_builder
        self._qr_encoder = qr_encoder
        self._clock = clock

    def request_for_numbers(self, doc_nums: Sequence[int]) -> PaymentRequest:
        """A request for the invoices with these numbers (each must be unambiguous)."""
        chosen: list[Invoice] = []
        for doc_num in dict.fromkeys(doc_nums):
            found = [i for i in self._invoices.invoices_by_number(doc_num) if not i.cancelled]
            if not found:
                raise NotFound(f"no invoice with number {doc_num} in the local cache")
            chosen.extend(found)
        return self.request_for(chosen)

    def request_for(self, invoices: Sequence[Invoice]) -> PaymentRequest:
        """The open request for exactly these invoices and amounts, or a new one."""
        chosen, total = requested_invoices(invoices)
        first = chosen[0]
        for existing in self._requests.open_requests(invoices[0].customer_code, first.doc_entry):
            if existing.invoices == chosen:
                return existing
        request = PaymentRequest(
            reference=make_reference(
                self.kiosk_number, self._requests.next_request_number(self.kiosk_number)
            ),
            customer_code=invoices[0].customer_code,
            customer_name=invoices[0].customer_name,
            invoices=chosen,
            total=total,
            created_at=self._clock.now(),
        )
        return self._requests.add_payment_request(request)

    def asked_for(self, invoices: Sequence[Invoice]) -> PaymentRequest:
        """The request a customer pays with at the kiosk (Pay), noted for the usage report;
        the one an invoice PDF or e-mail carries comes from request_for and is not."""
        request = self.request_for(invoices)
        self._tracking.record(EventKind.PAYMENT_REQUESTED, request.customer_code)
        return request

    def request(self, reference: str) -> PaymentRequest:
        found = self._requests.payment_request("".join(reference.split()))
        if found is None:
            raise NotFound(f"no payment request with reference {reference}")
        return found

    def qr_code(self, request: PaymentRequest) -> QrCode:
        """The QR a customer scans to pay this request."""
        return self._qr_encoder.encode(self._qr_builder.payload(request))
