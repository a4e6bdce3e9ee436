"""The services behind staff mode, run off the GUI thread with the logged-in person's role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kiosk.domain.billing_preference import BillingChannel, BillingPreference, PreferenceChange
from kiosk.domain.customer import Customer
from kiosk.domain.delivery import Delivery, DeliveryChannel, DeliveryState
from kiosk.domain.invoice import Invoice
from kiosk.domain.outbox import OutboxEntry
from kiosk.domain.staff import StaffSession
from kiosk.services.delivery import DeliveryReport, DeliveryService
from kiosk.services.invoice_lookup import CustomerOverview, InvoiceLookup
from kiosk.services.outbox import OutboxAdministration
from kiosk.services.ports.clock import Clock
from kiosk.services.preferences import PreferenceService
from kiosk.services.staff_accounts import StaffAccounts
from kiosk.services.sync_status import SyncStatus, SyncStatusReader

LOG_ROWS = 500
CUSTOMER_INVOICES = 100


@dataclass(frozen=True)
class StaffServices:
    staff: StaffAccounts
    lookup: InvoiceLookup
    preferences: PreferenceService
    outbox: OutboxAdministration
    sync_status: SyncStatusReader
    delivery: DeliveryService
    clock: Clock

    def login(self, name: str, pin: str) -> StaffSession:
        return self.staff.login(name, pin)

    def find_customers(self, text: str) -> list[Customer]:
        return self.lookup.search_customers(text, limit=30) if text.strip() else []

    def overview(self, customer_code: str) -> tuple[CustomerOverview, date]:
        """The customer's balance and latest invoices, and the day their status is told for."""
        overview = self.lookup.customer_overview(customer_code, recent=CUSTOMER_INVOICES)
        return overview, self.clock.today()

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
    ) -> BillingPreference:
        return self.preferences.register(
            customer_code, channel, email, clerk=session.name, consent_given=consent
        )

    def history(self, customer_code: str) -> list[PreferenceChange]:
        return self.preferences.history(customer_code)

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
