"""What an invoice says about paying it: accepted methods and the early-payment discount."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from kiosk.domain.invoice import Invoice
from kiosk.domain.money import Money


@dataclass(frozen=True, slots=True)
class EarlyPaymentOffer:
    """Pay `amount` instead of the full amount due, if paid on or before `until`."""

    percent: Decimal
    amount: Money
    until: date


@dataclass(frozen=True, slots=True)
class PaymentTerms:
    accepted_methods: str = ""
    early_discount_percent: Decimal = Decimal(0)
    early_discount_days: int = 0

    def early_payment_offer(self, invoice: Invoice, today: date) -> EarlyPaymentOffer | None:
        """The discount still open for this invoice on this day, if any."""
        if self.early_discount_percent <= 0 or self.early_discount_days <= 0:
            return None
        until = invoice.document_date + timedelta(days=self.early_discount_days)
        due = invoice.amount_due
        if not due.is_positive() or today > until:
            return None
        factor = (Decimal(100) - self.early_discount_percent) / Decimal(100)
        return EarlyPaymentOffer(self.early_discount_percent, due.times(factor).rounded(), until)
