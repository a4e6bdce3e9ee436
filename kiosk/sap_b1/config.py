"""What the Service Layer client needs to know, handed over by the composition root."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ServiceLayerConfig:
    """Connection and field settings for one Service Layer company."""

    base_url: str
    company_db: str
    username: str
    password: str
    verify: bool | Path = True
    page_size: int = 100
    max_parallel_requests: int = 4
    connect_timeout_seconds: float = 10
    read_timeout_seconds: float = 90
    retries: int = 3
    retry_base_delay_seconds: float = 0.5
    retry_max_delay_seconds: float = 8
    billing_channel_field: str = "U_BillingChannel"
    billing_email_field: str = "U_BillingEmail"
    kiosk_reference_field: str = "U_KioskRef"
    # Mexico: the fields that hold a stamped CFDI's folio fiscal and its attachment (None: off).
    fiscal_uuid_field: str | None = "EDocNum"
    fiscal_attachment_field: str = "AttachmentEntry"
    payment_uuid_field: str = "EDocNum"
    # What an invoice's currency is when SAP writes the local one as a symbol ("$").
    local_currency: str = "MXN"

    @property
    def service_root(self) -> str:
        """The base URL with exactly one trailing slash, so relative links resolve under it."""
        return self.base_url.rstrip("/") + "/"
