"""Getting an invoice or a payment slip to its customer, by e-mail or on paper, with its outcome."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


class DeliveryChannel(enum.Enum):
    EMAIL = "email"
    PAPER = "paper"


class DeliveryReason(enum.Enum):
    AUTOMATIC = "automatic"  # by the customer's preference, once per new invoice and channel
    REQUESTED = "requested"  # asked for at the kiosk or the counter (a re-send)


class DeliveredDocument(enum.Enum):
    INVOICE = "invoice"
    PAYMENT_SLIP = "payment_slip"  # printed at the kiosk for a payment request, never re-sent
    PAYMENT_RECEIPT = "payment_receipt"  # a stamped CFDI de pago (Mexico): PDF, and XML by e-mail
    CFDI_XML = "cfdi_xml"  # an invoice's stamped XML alone, by e-mail ("Enviar XML")
    DISPUTE = "dispute"  # a dispute's notice of its new state, by e-mail (reference: event id)
    STATEMENT = "statement"  # a statement of account (reference: start:end:language), no invoice
    ENROLMENT_CODE = "enrolment_code"  # an e-billing code (reference: request id), no invoice


class DeliveryState(enum.Enum):
    QUEUED = "queued"  # waiting for its next attempt
    LISTED = "listed"  # paper waiting for the clerk's batch print
    SENDING = "sending"  # an attempt is under way (or was, when the process died)
    SENT = "sent"  # the server accepted the message, or the spooler the job
    FAILED = "failed"  # refused for good; staff must look
    BOUNCED = "bounced"  # accepted, then returned by the mail system (a DSN); staff must look


@dataclass(frozen=True, slots=True)
class Delivery:
    """One delivery of one invoice on one channel, and how it went."""

    id: int | None
    doc_entry: int
    doc_num: int
    customer_code: str
    channel: DeliveryChannel
    reason: DeliveryReason
    destination: str  # e-mail address, printer name, or "" for the default printer
    state: DeliveryState
    requested_by: str
    created_at: datetime
    attempts: int = 0
    next_attempt_at: datetime | None = None
    last_error_code: str | None = None
    last_error: str | None = None
    receipt: str | None = None  # SMTP message id or print job id
    sent_at: datetime | None = None
    document: DeliveredDocument = DeliveredDocument.INVOICE
    reference: str | None = None  # a slip's payment reference, a receipt's folio fiscal
    bounced_at: datetime | None = None  # when the returned mail was read
    claimed_by: str | None = None  # the process sending it, or that last did ("host:pid")


@dataclass(frozen=True, slots=True)
class EmailAttachment:
    """A file sent beside the PDF, such as a stamped CFDI's XML."""

    name: str
    content: bytes
    media_type: str = "application/xml"


@dataclass(frozen=True, slots=True)
class OutgoingEmail:
    """An e-mail ready to send: both bodies, the PDF, and any files that go with it."""

    to: str
    subject: str
    text: str
    html: str
    attachment_name: str
    attachment: bytes | None  # the PDF; None when an e-mail carries only its XML
    also_attached: tuple[EmailAttachment, ...] = ()
    message_key: str | None = None  # the left part of a Message-ID that stays the same on retry


@dataclass(frozen=True, slots=True)
class PrinterInfo:
    name: str
    is_default: bool
    accepting: bool
    enabled: bool
    description: str = ""


def message_key(delivery: Delivery) -> str:
    """The left part of the Message-ID of every attempt at an e-mail delivery: the same on
    each retry, so a message sent again after a crash is recognisably one, and a bounce finds
    its delivery by it (the creation time tells it from another kiosk's delivery of that id)."""
    return f"kiosk-{delivery.id}-{delivery.created_at:%Y%m%d%H%M%S}"
