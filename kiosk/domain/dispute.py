"""A customer's dispute of an invoice or one of its lines: its amount, its states and timeline."""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from kiosk.domain.errors import InvalidValue
from kiosk.domain.invoice import Invoice
from kiosk.domain.money import Money, minor_units
from kiosk.language.catalogue import DEFAULT_LANGUAGE

MAX_COMMENT = 500
MAX_NOTE = 500


class DisputeReason(enum.Enum):
    WRONG_PRICE = "wrong_price"  # precio incorrecto
    WRONG_QUANTITY = "wrong_quantity"  # cantidad incorrecta
    NOT_RECEIVED = "not_received"  # no recibido
    DAMAGED = "damaged"  # dañado
    DUPLICATE_CHARGE = "duplicate_charge"  # cobro duplicado
    OTHER = "other"  # otro


class DisputeState(enum.Enum):
    OPEN = "open"
    IN_REVIEW = "in_review"  # en revisión
    ACCEPTED = "accepted"  # aceptada: out of the balance until SAP's credit note arrives
    REJECTED = "rejected"  # rechazada: due again
    WITHDRAWN = "withdrawn"  # retirada by the customer: due again
    CLOSED = "closed"  # the credit note arrived and settles it

    @property
    def holds_the_amount(self) -> bool:
        """Whether the disputed amount is out of what the customer owes."""
        return self in (DisputeState.OPEN, DisputeState.IN_REVIEW, DisputeState.ACCEPTED)


NEXT_STATES = {
    DisputeState.OPEN: {DisputeState.IN_REVIEW, DisputeState.ACCEPTED, DisputeState.REJECTED,
                        DisputeState.WITHDRAWN},
    DisputeState.IN_REVIEW: {DisputeState.ACCEPTED, DisputeState.REJECTED, DisputeState.WITHDRAWN},
    DisputeState.ACCEPTED: {DisputeState.CLOSED},
    DisputeState.REJECTED: set(),
    DisputeState.WITHDRAWN: set(),
    DisputeState.CLOSED: set(),
}  # fmt: skip


class DisputeRefused(InvalidValue):
    """A dispute or a step of one that the rules do not allow; the message says which rule."""


@dataclass(frozen=True, slots=True)
class DisputeEvent:
    """One step of a dispute's timeline: the state it reached, why, who and when."""

    state: DisputeState
    note: str
    by: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Dispute:
    """A dispute of a whole invoice (`line_number` None) or of one line."""

    id: int | None
    doc_entry: int
    doc_num: int
    customer_code: str
    line_number: int | None
    reason: DisputeReason
    comment: str
    amount: Money
    state: DisputeState
    opened_at: datetime
    events: tuple[DisputeEvent, ...] = ()
    credit_note: int | None = None  # DocEntry of SAP's credit note that closed it
    language: str = DEFAULT_LANGUAGE  # the customer's, as they opened it: their notices' too

    @property
    def number(self) -> str:
        """What the customer is told and quotes: D-000042."""
        return f"D-{self.id or 0:06d}"

    def moved_to(self, state: DisputeState, note: str, by: str, at: datetime) -> Dispute:
        """This dispute one step on; DisputeRefused when the step is not allowed from here."""
        if state not in NEXT_STATES[self.state]:
            raise DisputeRefused(
                f"dispute {self.number} is {self.state.value}: it cannot become {state.value}"
            )
        event = DisputeEvent(state, _text(note, "note", MAX_NOTE), by, at)
        return replace(self, state=state, events=(*self.events, event))


def open_dispute(
    invoice: Invoice,
    *,
    line_number: int | None,
    reason: DisputeReason,
    comment: str,
    amount: Decimal | None,
    by: str,
    at: datetime,
    disputed_lines: set[int | None],
    language: str = DEFAULT_LANGUAGE,
) -> Dispute:
    """A new open dispute of the invoice or of one line (`disputed_lines`: those its open
    disputes hold, None for the whole), its amount checked against what is disputable: at most
    the line's amount with its tax, and never above what is due once other disputes are out."""
    if invoice.cancelled or invoice.owed_in_sap.is_zero():
        raise DisputeRefused(f"invoice {invoice.doc_num} is not open: only open invoices")
    if line_number in disputed_lines:
        what = "the invoice" if line_number is None else f"line {line_number + 1}"
        raise DisputeRefused(f"{what} of invoice {invoice.doc_num} already has an open dispute")
    if line_number is None:
        if None not in disputed_lines and disputed_lines:
            raise DisputeRefused(
                f"invoice {invoice.doc_num} has disputed lines: dispute the rest line by line"
            )
        ceiling = invoice.amount_due.amount
    else:
        if None in disputed_lines:
            raise DisputeRefused(f"invoice {invoice.doc_num} is disputed as a whole already")
        line = next((item for item in invoice.lines if item.line_number == line_number), None)
        if line is None:
            raise DisputeRefused(f"invoice {invoice.doc_num} has no line {line_number + 1}")
        ceiling = min(line.line_total + line.tax_amount, invoice.amount_due.amount)
    chosen = ceiling if amount is None else amount
    _check_amount(chosen, ceiling, invoice.currency)
    return Dispute(
        id=None,
        doc_entry=invoice.doc_entry,
        doc_num=invoice.doc_num,
        customer_code=invoice.customer_code,
        line_number=line_number,
        reason=reason,
        comment=_text(comment, "comment", MAX_COMMENT),
        amount=Money(chosen, invoice.currency),
        state=DisputeState.OPEN,
        opened_at=at,
        events=(DisputeEvent(DisputeState.OPEN, _text(comment, "comment", MAX_COMMENT), by, at),),
        language=language,
    )


def _check_amount(amount: Decimal, ceiling: Decimal, currency: str) -> None:
    if not amount.is_finite() or amount <= 0:
        raise DisputeRefused(f"the disputed amount must be above zero, not {amount}")
    places = minor_units(currency)
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise DisputeRefused(f"{amount} has more decimals than {currency} allows ({places})")
    if amount > ceiling:
        raise DisputeRefused(
            f"the disputed amount {amount} is above what can be disputed, {ceiling}"
        )


def _text(value: str, name: str, limit: int) -> str:
    text = " ".join(value.split())
    if len(text) > limit:
        raise DisputeRefused(f"the {name} is longer than {limit} characters")
    return text
