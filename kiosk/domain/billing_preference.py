"""How a customer wants to receive invoices: on paper, by e-mail or both, with consent."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from kiosk.domain.errors import InvalidValue


class BillingChannel(enum.Enum):
    """The delivery channels a customer can choose; values are what SAP's UDF stores."""

    PAPER = "PAPER"
    EMAIL = "EMAIL"
    BOTH = "BOTH"

    @property
    def needs_email(self) -> bool:
        return self is not BillingChannel.PAPER


class EmailRequired(InvalidValue):
    """E-mail or both was chosen without an address."""


@dataclass(frozen=True, slots=True)
class BillingPreference:
    """A customer's registered billing channel, with who registered it, where and when."""

    customer_code: str
    channel: BillingChannel
    email: str | None
    consent_at: datetime
    registered_by: str
    branch: str

    def __post_init__(self) -> None:
        if self.channel.needs_email and not self.email:
            raise EmailRequired(
                f"billing channel {self.channel.value} needs an e-mail address "
                f"for customer {self.customer_code}"
            )
        if not self.registered_by.strip():
            raise InvalidValue("a billing preference must name the clerk who registered it")


@dataclass(frozen=True, slots=True)
class PreferenceChange:
    """One value a preference has had, where it came from, and why it was kept or replaced."""

    preference: BillingPreference
    source: str  # "kiosk" or "sap"
    recorded_at: datetime
    note: str | None = None
    consent_version: str | None = None  # of the consent text the customer accepted
    confirmed_by: str | None = None  # the clerk, or how the customer confirmed (code, link)
    incentive_percent: Decimal | None = None  # the e-billing incentive granted with this change
