"""Dispute rules: what can be disputed, for how much, and which step may follow which."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from kiosk.domain.dispute import (
    NEXT_STATES,
    DisputeReason,
    DisputeRefused,
    DisputeState,
    open_dispute,
)
from tests.builders import make_invoice, make_line

AT = datetime(2026, 12, 1, 10, 0)


def opened(invoice, line=None, amount=None, held=frozenset()):
    return open_dispute(
        invoice, line_number=line, reason=DisputeReason.OTHER, comment="", amount=amount,
        by="kiosk", at=AT, disputed_lines=set(held),
    )  # fmt: skip


def test_the_default_amount_is_the_line_with_its_tax_or_what_is_due():
    invoice = make_invoice(paid_to_date="20.00")
    assert opened(invoice, line=1).amount.amount == Decimal("116.00")
    assert opened(invoice).amount.amount == Decimal("212.00")


def test_a_line_is_never_disputed_for_more_than_is_still_due():
    invoice = make_invoice(paid_to_date="200.00")  # 32.00 left
    assert opened(invoice, line=0).amount.amount == Decimal("32.00")
    with pytest.raises(DisputeRefused, match=r"above what can be disputed, 32\.00"):
        opened(invoice, line=0, amount=Decimal("32.01"))


def test_other_disputes_already_out_of_the_balance_lower_the_ceiling():
    invoice = make_invoice(disputed=Decimal("116.00"))
    assert opened(invoice, line=1, held={0}).amount.amount == Decimal("116.00")
    with pytest.raises(DisputeRefused, match="dispute the rest line by line"):
        opened(invoice, held={0})


def test_a_currency_without_cents_takes_whole_amounts_only():
    invoice = make_invoice(currency="JPY", net_total="2000", tax_total="0", total="2000",
                           lines=(make_line(0, line_total=Decimal("2000"),
                                            tax_amount=Decimal("0")),))  # fmt: skip
    assert opened(invoice, line=0, amount=Decimal("150")).amount.amount == Decimal("150")
    with pytest.raises(DisputeRefused, match="more decimals than JPY allows"):
        opened(invoice, line=0, amount=Decimal("150.5"))


def test_steps_follow_the_state_machine_only():
    dispute = opened(make_invoice())
    for state in DisputeState:
        if state in NEXT_STATES[DisputeState.OPEN]:
            assert dispute.moved_to(state, "n", "rosa", AT).state is state
        else:
            with pytest.raises(DisputeRefused, match="cannot become"):
                dispute.moved_to(state, "n", "rosa", AT)
    accepted = dispute.moved_to(DisputeState.ACCEPTED, "ok", "rosa", AT)
    assert accepted.moved_to(DisputeState.CLOSED, "NC 7", "SAP", AT).state is DisputeState.CLOSED
    assert [e.state for e in accepted.events] == [DisputeState.OPEN, DisputeState.ACCEPTED]


def test_which_states_hold_the_amount_out_of_the_balance():
    holding = {state for state in DisputeState if state.holds_the_amount}
    assert holding == {DisputeState.OPEN, DisputeState.IN_REVIEW, DisputeState.ACCEPTED}


def test_an_invoice_fully_disputed_is_not_shown_as_paid():
    invoice = make_invoice(disputed=Decimal("232.00"))
    assert invoice.amount_due.is_zero()
    assert invoice.status_on(datetime(2026, 1, 20).date()).value != "paid"
