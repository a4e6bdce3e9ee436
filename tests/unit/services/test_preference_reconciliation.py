"""How a preference read from SAP meets the one registered at the kiosk."""

from __future__ import annotations

from datetime import datetime, timedelta

from kiosk.domain.billing_preference import BillingChannel
from kiosk.services.outbox import retry_delay
from kiosk.services.ports.preferences import PreferenceState
from kiosk.services.ports.sync import Pulled, SapCustomer
from kiosk.services.preferences import reconcile_with_sap
from tests.builders import make_customer, make_preference

NOW = datetime(2026, 11, 20, 12, 0)
REGISTERED = datetime(2026, 11, 20, 10, 0)


def pulled(channel, email, at):
    return Pulled(SapCustomer(make_customer("C1"), channel, email), at, 3)


def kiosk_state(base=(None, None)):
    preference = make_preference(
        "C1", channel=BillingChannel.EMAIL, email="k@c1.mx", consent_at=REGISTERED
    )
    return PreferenceState(preference, *base)


def test_a_first_sap_value_is_adopted():
    decision = reconcile_with_sap(pulled(BillingChannel.PAPER, None, REGISTERED), None, NOW)

    assert decision.new_current.channel is BillingChannel.PAPER
    assert decision.new_current.registered_by == "SAP"
    assert [change.source for change in decision.history] == ["sap"]


def test_an_unchanged_sap_value_is_left_for_the_push():
    state = kiosk_state(base=(BillingChannel.PAPER, None))

    assert reconcile_with_sap(pulled(BillingChannel.PAPER, None, NOW), state, NOW) is None


def test_no_preference_on_either_side_writes_nothing():
    assert reconcile_with_sap(pulled(None, None, NOW), None, NOW) is None


def test_sap_clearing_a_known_value_moves_the_base():
    decision = reconcile_with_sap(
        pulled(None, None, NOW), kiosk_state((BillingChannel.EMAIL, "k@c1.mx")), NOW
    )

    assert decision is not None and decision.sap_channel is None and decision.new_current is None


def test_sap_holding_the_kiosk_value_only_moves_the_base():
    decision = reconcile_with_sap(pulled(BillingChannel.EMAIL, "k@c1.mx", NOW), kiosk_state(), NOW)

    assert decision.new_current is None and decision.history == ()
    assert decision.sap_channel is BillingChannel.EMAIL and decision.supersede_pending is None


def test_a_later_sap_change_wins():
    later = REGISTERED + timedelta(minutes=1)

    decision = reconcile_with_sap(pulled(BillingChannel.BOTH, "s@c1.mx", later), kiosk_state(), NOW)

    assert decision.new_current.channel is BillingChannel.BOTH
    assert decision.supersede_pending and decision.enqueue is None


def test_an_earlier_sap_change_loses_and_the_kiosk_value_is_sent_again():
    earlier = REGISTERED - timedelta(minutes=1)

    decision = reconcile_with_sap(
        pulled(BillingChannel.BOTH, "s@c1.mx", earlier), kiosk_state(), NOW
    )

    assert decision.new_current is None
    assert decision.enqueue.payload == {"channel": "EMAIL", "email": "k@c1.mx"}
    assert "older than the kiosk's registration" in decision.history[0].note


def test_retry_delays_double_and_stop_at_an_hour():
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 9)] == [30, 60, 120, 3600]
