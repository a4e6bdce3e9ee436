"""Who is at the kiosk: a tax ID or customer code, proved by the number of one of their invoices.

Both can also come at once from the kiosk code printed on an earlier invoice, read by a scanner
that types into whichever field has the focus.

Failed attempts are counted per kiosk; after too many, identification pauses for a while, so
invoice numbers cannot be guessed by trying. Until the first download of invoices from SAP has
finished, nobody is identified: a half-filled cache would show a wrong balance.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from kiosk.domain.customer import Customer
from kiosk.domain.errors import DomainError, InvalidValue
from kiosk.domain.invoice import Invoice, InvoiceStatus
from kiosk.domain.kiosk_code import read_kiosk_code
from kiosk.domain.rfc import looks_like_rfc
from kiosk.domain.tracking import EventKind
from kiosk.services.errors import ExternalUnavailable
from kiosk.services.ports.cache import InvoiceStore
from kiosk.services.ports.clock import Clock
from kiosk.services.ports.sync import SyncCursorStore
from kiosk.services.sync import INVOICES
from kiosk.services.tracking import NO_TRACKING, Tracking

MAX_FAILURES = 3
COOLDOWN = timedelta(seconds=60)
LIST_SIZE = 200


class IdentificationIncomplete(InvalidValue):
    """A field is empty, or the invoice number is not a number."""


class IdentificationFailed(DomainError):
    """The customer and invoice number do not go together (said without telling which is wrong)."""


class InvoicesNotDownloadedYet(ExternalUnavailable):
    """This kiosk has not finished its first download of invoices from SAP."""


class TooManyAttempts(DomainError):
    """Identification is paused after repeated failures."""

    def __init__(self, seconds_left: int) -> None:
        super().__init__(f"too many attempts; try again in {seconds_left} s")
        self.seconds_left = seconds_left


@dataclass(frozen=True, slots=True)
class IdentifiedCustomer:
    """A customer who proved who they are, with their invoices, open and overdue first."""

    customer: Customer
    invoices: tuple[Invoice, ...]


class CustomerIdentification:
    """Identifies walk-in customers; one instance per kiosk screen session.

    `cursors` is where the sync with SAP stands; None when this kiosk does not sync with SAP.
    `check_rfc` returns an RFC in its written form or raises `InvalidRfc` saying what is wrong.
    """

    def __init__(
        self,
        store: InvoiceStore,
        clock: Clock,
        cursors: SyncCursorStore | None = None,
        check_rfc: Callable[[str], str] | None = None,
        *,
        tracking: Tracking = NO_TRACKING,
    ) -> None:
        self._tracking = tracking
        self._store = store
        self._clock = clock
        self._cursors = cursors
        self._downloaded = cursors is None
        self._check_rfc = check_rfc
        self._failures = 0
        self._paused_until: datetime | None = None

    def identify(self, who: str, invoice_number: str) -> IdentifiedCustomer:
        """Check the second factor and return the customer's invoices, or explain the failure."""
        now = self._clock.now()
        if self._paused_until is not None and now < self._paused_until:
            # Who was typed is not kept: it may be a tax ID, and nobody proved it is theirs.
            self._tracking.record(EventKind.IDENTIFICATION_THROTTLED, None)
            raise TooManyAttempts(int((self._paused_until - now).total_seconds()) + 1)
        scanned = read_kiosk_code(who) or read_kiosk_code(invoice_number)
        if scanned is not None:
            who, invoice_number = scanned
        who, number = who.strip(), invoice_number.strip()
        if not who or not number.isdigit():
            raise IdentificationIncomplete(
                "enter your tax ID or customer code, and an invoice number"
            )
        if not self.invoices_downloaded():
            raise InvoicesNotDownloadedYet(
                "this kiosk has not finished its first download of invoices from SAP"
            )
        customer = self._customer(who)
        if customer is None and self._check_rfc is not None and looks_like_rfc(who):
            # A mistyped RFC is said as such, not as a failed attempt. Only when no customer
            # has it: some RFCs the SAT issued fail their own check digit, and SAP's data wins.
            self._check_rfc(who)
        owned = customer is not None and self._store.has_invoice(customer.code, int(number))
        if customer is None or not owned:
            self._failures += 1
            if self._failures >= MAX_FAILURES:
                self._paused_until = now + COOLDOWN
                self._failures = 0
            code = customer.code if customer is not None else None
            self._tracking.record(EventKind.IDENTIFICATION_FAILED, code)
            raise IdentificationFailed("we could not find invoices with those details")
        self._failures = 0
        self._tracking.record(EventKind.IDENTIFIED, customer.code)
        invoices = self._store.invoices_for_customer(
            customer.code, limit=LIST_SIZE, with_lines=False
        )
        today = self._clock.today()
        ordered = sorted(invoices, key=lambda i: (_rank(i.status_on(today)), i.due_date))
        return IdentifiedCustomer(customer, tuple(ordered))

    def invoices_downloaded(self) -> bool:
        """Whether the first download of invoices from SAP has finished (or is not needed)."""
        if not self._downloaded and self._cursors is not None:
            # Once finished it stays so: not read again on every identification.
            cursor = self._cursors.cursor(INVOICES)
            self._downloaded = cursor is not None and cursor.last_success_at is not None
        return self._downloaded

    def _customer(self, who: str) -> Customer | None:
        """The customer with this code (as typed, then in upper case), else the one customer
        with this tax ID; None when there is none, or several share the tax ID."""
        known = self._store.customers_known_as(who)
        by_code = {customer.code: customer for customer in known}
        exact = by_code.get(who) or by_code.get(who.upper())
        if exact is not None:
            return exact
        return known[0] if len(known) == 1 else None


_ORDER = [
    InvoiceStatus.OVERDUE,
    InvoiceStatus.PARTIALLY_PAID,
    InvoiceStatus.OPEN,
    InvoiceStatus.PAID,
    InvoiceStatus.CANCELLED,
]


def _rank(status: InvoiceStatus) -> int:
    return _ORDER.index(status)
