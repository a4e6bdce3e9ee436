"""The services behind staff mode, run off the GUI thread with the logged-in person's role."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Literal, NamedTuple, Protocol

from kiosk.domain.billing_preference import BillingChannel, BillingPreference
from kiosk.domain.customer import Customer
from kiosk.domain.delivery import Delivery, DeliveryChannel, DeliveryState
from kiosk.domain.dispute import Dispute, DisputeState
from kiosk.domain.invoice import Invoice
from kiosk.domain.outbox import OutboxEntry
from kiosk.domain.reports import (
    AdoptionWeek,
    AgeingRow,
    DeliveryDay,
    PaymentDelays,
    ReportPeriod,
    SyncHealth,
    UsageDay,
)
from kiosk.domain.rfc import looks_like_rfc
from kiosk.domain.staff import StaffSession
from kiosk.services.delivery import DeliveryReport, DeliveryService
from kiosk.services.disputes import STAFF_STEPS, DisputeService
from kiosk.services.fiscal_documents import FiscalReading
from kiosk.services.invoice_documents import InvoiceDocuments
from kiosk.services.invoice_lookup import CustomerOverview, InvoiceLookup
from kiosk.services.outbox import OutboxAdministration
from kiosk.services.ports.clock import Clock
from kiosk.services.ports.preferences import PreferenceOnFile
from kiosk.services.preferences import PreferenceService
from kiosk.services.staff_accounts import StaffAccounts, require_supervisor
from kiosk.services.sync_status import SyncStatus, SyncStatusReader
from kiosk.ui.customer_actions import DisputeRequest

LOG_ROWS = 500
CUSTOMER_INVOICES = 100


class CfdiFlag(NamedTuple):
    """Why staff must look at an invoice's stamped CFDI (the reason as the services say it)."""

    kind: Literal["pending", "problem", "discrepancy"]
    reason: str


def cfdi_flag(reading: FiscalReading) -> CfdiFlag | None:
    """What is wrong with a CFDI, for staff; None when there is nothing to look at."""
    if reading.problem:
        return CfdiFlag("pending" if reading.pending else "problem", reading.problem)
    if reading.discrepancy:
        return CfdiFlag("discrepancy", reading.discrepancy)
    return None


class StoreReports(Protocol):
    """The store's reports the Reports tab draws (kiosk.services.reports.Reports)."""

    def adoption(self, period: ReportPeriod) -> list[AdoptionWeek]: ...

    def deliveries(self, period: ReportPeriod) -> list[DeliveryDay]: ...

    def ageing(self, on: date) -> list[AgeingRow]: ...

    def usage(self, period: ReportPeriod) -> list[UsageDay]: ...

    def payment_delays(self, period: ReportPeriod) -> PaymentDelays: ...

    def sync_health(self) -> SyncHealth: ...


@dataclass(frozen=True)
class StaffServices:
    staff: StaffAccounts
    lookup: InvoiceLookup
    preferences: PreferenceService
    outbox: OutboxAdministration
    sync_status: SyncStatusReader
    delivery: DeliveryService
    clock: Clock
    documents: InvoiceDocuments | None = None
    """The stamped CFDIs (Mexico) behind the invoices; None: none are flagged."""
    check_rfc: Callable[[str], str] | None = None
    """The RFC as the SAT writes it, or InvalidRfc; None: what looks like one is searched as is."""
    disputes: DisputeService | None = None
    """Customers' disputes; None: staff mode has no Disputes tab."""
    reports: StoreReports | None = None
    """The store's reports; None: staff mode has no Reports tab."""

    def login(self, name: str, pin: str) -> StaffSession:
        return self.staff.login(name, pin)

    def find_customers(self, text: str) -> list[Customer]:
        """Customers by name, code or tax ID; a mistyped RFC that finds no one raises
        InvalidRfc (SAP may hold an RFC whose check digit is off: it is still found)."""
        if not text.strip():
            return []
        found = self.lookup.search_customers(text, limit=30)
        if not found and self.check_rfc is not None and looks_like_rfc(text):
            self.check_rfc(text)
        return found

    def overview(self, customer_code: str) -> tuple[CustomerOverview, date, dict[int, CfdiFlag]]:
        """The customer's balance and latest invoices, the day their status is told for, and
        the invoices (by DocEntry) whose stamped CFDI staff must look at."""
        overview = self.lookup.customer_overview(customer_code, recent=CUSTOMER_INVOICES)
        flags = {}
        if self.documents is not None:
            for invoice in overview.recent_invoices:
                if not invoice.fiscal_uuid:
                    continue
                # From the cache only: a hundred downloads must not hold up the overview.
                flag = cfdi_flag(self.documents.fiscal_reading(invoice, fetch=False))
                if flag is not None:
                    flags[invoice.doc_entry] = flag
        return overview, self.clock.today(), flags

    def print_invoices(self, session: StaffSession, invoices: list[Invoice]) -> list[Delivery]:
        return [
            self.delivery.print(invoice, printer=None, requested_by=session.name)
            for invoice in invoices
        ]

    def email_invoices(self, session: StaffSession, invoices: list[Invoice]) -> list[Delivery]:
        """E-mail to the address on the customer's billing preference, as the kiosk does."""
        return [
            self.delivery.email(invoice, to=None, requested_by=session.name) for invoice in invoices
        ]

    def register(
        self,
        session: StaffSession,
        customer_code: str,
        channel: BillingChannel,
        email: str | None,
        consent: bool,
        based_on: int | None = None,
    ) -> BillingPreference:
        return self.preferences.register(
            customer_code, channel, email, clerk=session.name, consent_given=consent,
            based_on=based_on,
        )  # fmt: skip

    def on_file(self, customer_code: str) -> PreferenceOnFile:
        return self.preferences.on_file(customer_code)

    def outbox_entries(self) -> tuple[SyncStatus, list[OutboxEntry]]:
        return self.sync_status.current(), self.outbox.entries()

    def deliveries(
        self, state: DeliveryState | None, channel: DeliveryChannel | None
    ) -> list[Delivery]:
        return self.delivery.log(state=state, channel=channel, limit=LOG_ROWS)

    def print_listed(self) -> DeliveryReport:
        """Print every paper invoice waiting on the clerk's list."""
        listed = self.delivery.log(state=DeliveryState.LISTED)
        return self.delivery.print_listed([d.id for d in listed if d.id], printer=None)

    def retry(self, session: StaffSession, entry_id: int) -> OutboxEntry:
        return self.outbox.retry(entry_id, by=session)

    def discard(self, session: StaffSession, entry_id: int, reason: str) -> OutboxEntry:
        return self.outbox.discard(entry_id, reason=reason, by=session)

    def dispute_list(
        self, state: DisputeState | None, older_than_days: int | None
    ) -> list[Dispute]:
        assert self.disputes is not None
        return self.disputes.disputes(state=state, older_than_days=older_than_days, limit=LOG_ROWS)

    def move_dispute(
        self, session: StaffSession, dispute_id: int, state: DisputeState, note: str
    ) -> Dispute:
        """In review, accepted or rejected by a supervisor or admin; withdrawn by anyone at the
        customer's request. The customer's notice e-mail leaves at once."""
        assert self.disputes is not None
        if state in STAFF_STEPS:
            require_supervisor(session)
        moved = self.disputes.move(dispute_id, state, note=note, by=session.name)
        self.delivery.send_due()
        return moved

    def disputes_of(self, invoice: Invoice) -> tuple[Invoice, tuple[Dispute, ...]]:
        """The invoice with its lines, as the dispute screen shows it, and its disputes."""
        assert self.disputes is not None
        complete = next(
            (i for i in self.lookup.invoices_by_number(invoice.doc_num)
             if i.doc_entry == invoice.doc_entry),
            invoice,
        )  # fmt: skip
        return complete, tuple(self.disputes.of_invoice(invoice))

    def open_disputes(self, session: StaffSession, request: DisputeRequest) -> list[Dispute]:
        """One dispute per part the clerk chose with the customer at the counter; all or none
        are kept as far as the rules go (the first refusal stops the rest), and the customer's
        notice e-mails leave at once."""
        assert self.disputes is not None
        opened = [
            self.disputes.open(
                request.invoice, line_number=line_number, reason=request.reason,
                comment=request.comment, amount=amount, by=session.name,
            )
            for line_number, amount in request.parts
        ]  # fmt: skip
        self.delivery.send_due()
        return opened
