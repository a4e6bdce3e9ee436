"""Billing preference: the channel rules a clerk's entry must satisfy."""

from __future__ import annotations

import pytest

from kiosk.domain.billing_preference import BillingChannel
from kiosk.domain.errors import InvalidValue
from tests.builders import make_preference


@pytest.mark.parametrize("channel", [BillingChannel.EMAIL, BillingChannel.BOTH])
def test_email_channels_need_an_address(channel):
    with pytest.raises(InvalidValue, match=f"{channel.value} needs an e-mail address"):
        make_preference(channel=channel, email=None)


def test_paper_needs_no_address():
    preference = make_preference(channel=BillingChannel.PAPER, email=None)

    assert preference.email is None
    assert not preference.channel.needs_email


def test_the_registering_clerk_is_required():
    with pytest.raises(InvalidValue, match="clerk"):
        make_preference(registered_by="  ")
