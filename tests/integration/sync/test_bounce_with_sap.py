"""A hard bounce's paper preference against the emulator over HTTP: pushed to SAP, and SAP's
older e-mail value does not win it back on the next pull."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest

from kiosk.domain.billing_preference import BillingChannel
from kiosk.domain.delivery import Delivery, DeliveryChannel, DeliveryReason, DeliveryState
from kiosk.services.bounces import BounceOptions, BounceService
from tests.fixtures.dsn_messages import postfix_failed

CODE, TO = "C000004", "compras@c4.mx"


class OneReport:
    def __init__(self, raw: bytes) -> None:
        self.raw = raw

    def read_reports(self, since: date, handle: Callable[[bytes], bool]) -> int:
        handle(self.raw)
        return 1


def bounce_an_email(kiosk) -> None:
    storage, now = kiosk.services.storage, kiosk.clock.now()
    invoice = storage.invoices.invoices_for_customer(CODE, limit=1)[0]
    added = storage.deliveries.add_delivery(
        Delivery(
            id=None, doc_entry=invoice.doc_entry, doc_num=invoice.doc_num, customer_code=CODE,
            channel=DeliveryChannel.EMAIL, reason=DeliveryReason.AUTOMATIC, destination=TO,
            state=DeliveryState.QUEUED, requested_by="kiosk", created_at=now, next_attempt_at=now,
        )
    )  # fmt: skip
    storage.deliveries.finish_delivery(added.id, "<sent>", now, None)
    key = f"kiosk-{added.id}-{added.created_at:%Y%m%d%H%M%S}@ejemplo.mx"
    bounces = BounceService(
        OneReport(postfix_failed(key, TO)), storage.bounces, kiosk.clock,
        BounceOptions(branch="MTY-01", auto_printer=None),
    )  # fmt: skip
    assert bounces.check().back_to_paper == 1


@pytest.mark.parametrize("api_version", ["v2"])
def test_the_paper_preference_reaches_sap_and_stays(kiosk, emulator):
    kiosk.sync()
    kiosk.preferences.register(CODE, BillingChannel.EMAIL, TO, clerk="ana", consent_given=True)
    kiosk.clock.advance(minutes=5)
    kiosk.sync()
    assert emulator.data.get("BusinessPartners", CODE)["U_BillingChannel"] == "EMAIL"
    kiosk.clock.advance(hours=2)

    bounce_an_email(kiosk)
    kiosk.clock.advance(minutes=5)
    report = kiosk.sync()
    kiosk.clock.advance(minutes=5)
    kiosk.sync()

    assert report.push.pushed == 1
    partner = emulator.data.get("BusinessPartners", CODE)
    assert partner["U_BillingChannel"] == "PAPER" and not partner.get("U_BillingEmail")
    local = kiosk.services.storage.invoices.billing_preference(CODE)
    assert local.channel is BillingChannel.PAPER
    sources = [c.source for c in kiosk.services.storage.preferences.history(CODE)]
    assert sources[:2] == ["kiosk", "bounce"]


@pytest.mark.parametrize("api_version", ["v2"])
def test_an_older_email_in_sap_is_replaced_not_adopted(kiosk, emulator):
    kiosk.sync()
    kiosk.preferences.register(CODE, BillingChannel.EMAIL, TO, clerk="ana", consent_given=True)
    kiosk.clock.advance(minutes=5)
    kiosk.sync()
    # Meanwhile the back office typed another address in SAP, before the bounce was read.
    emulator.clock.freeze(kiosk.clock.now() + timedelta(minutes=1))
    emulator.data.patch("BusinessPartners", CODE, {"U_BillingEmail": "otra@c4.mx"})
    kiosk.clock.advance(hours=2)

    bounce_an_email(kiosk)
    # SAP refuses the first push, so the pull meets SAP's newer address before SAP has ours.
    refusal = {"error": {"code": -1, "message": {"lang": "en-us", "value": "Locked"}}}
    emulator.faults.fail_next(
        rf"^BusinessPartners\('{CODE}'\)", method="PATCH", status=400, body=refusal
    )
    kiosk.clock.advance(minutes=5)
    kiosk.sync()
    local = kiosk.services.storage.invoices.billing_preference(CODE)
    assert local.channel is BillingChannel.PAPER  # the bounce is later than SAP's change
    kiosk.clock.advance(minutes=5)
    kiosk.sync()

    assert emulator.data.get("BusinessPartners", CODE)["U_BillingChannel"] == "PAPER"
    history = kiosk.services.storage.preferences.history(CODE)
    assert [c.source for c in history][-2:] == ["bounce", "sap"]
    assert "older than the kiosk's registration" in (history[-1].note or "")
