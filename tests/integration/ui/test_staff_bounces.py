"""Staff see a bounce: the customer flagged with the reason, the delivery bounced in the log."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.app.demo import Demo, start_demo
from kiosk.app.settings import load_settings
from kiosk.domain.billing_preference import BillingChannel
from kiosk.domain.delivery import Delivery, DeliveryChannel, DeliveryReason, DeliveryState
from kiosk.domain.staff import Role
from kiosk.services.bounces import BounceOptions, BounceService
from kiosk.ui.main_window import KioskWindow
from tests.fixtures.dsn_messages import postfix_failed
from tests.integration.ui.test_staff_mode import log_in
from tests.ui.kiosk_parts import choose_customer

CODE, TO = "C000007", "compras@abarrotes.mx"


class OneReport:
    """The mailbox holding one report (the IMAP side has tests of its own, on Dovecot)."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw

    def read_reports(self, since: date, handle: Callable[[bytes], bool]) -> int:
        handle(self.raw)
        return 1


@pytest.fixture
def demo() -> Iterator[Demo]:
    running = start_demo(load_settings(None))
    running.services.staff.add("maria", Role.CLERK, "4821")
    yield running
    running.stop()


@pytest.fixture
def bounced(demo: Demo) -> Delivery:
    """An invoice e-mail to C000007 that came back: 550 5.1.1, user unknown."""
    services = demo.services
    services.preferences.register(CODE, BillingChannel.EMAIL, TO, clerk="maria", consent_given=True)
    now = services.clock.now()
    invoice = next(i for i in services.lookup.customer_overview(CODE, recent=5).recent_invoices)
    added = services.storage.deliveries.add_delivery(
        Delivery(
            id=None, doc_entry=invoice.doc_entry, doc_num=invoice.doc_num, customer_code=CODE,
            channel=DeliveryChannel.EMAIL, reason=DeliveryReason.REQUESTED, destination=TO,
            state=DeliveryState.QUEUED, requested_by="maria", created_at=now - timedelta(hours=2),
            next_attempt_at=now,
        )
    )  # fmt: skip
    assert added is not None and added.id is not None
    services.storage.deliveries.finish_delivery(added.id, "<sent>", now, None)
    key = f"kiosk-{added.id}-{added.created_at:%Y%m%d%H%M%S}@ejemplo.mx"
    bounces = BounceService(
        OneReport(postfix_failed(key, TO)), services.storage.bounces, services.clock,
        BounceOptions(branch="MATRIZ", auto_printer=None),
    )  # fmt: skip
    assert bounces.check().back_to_paper == 1
    return added


def test_staff_see_the_bounce_on_the_customer_and_in_the_log(
    qtbot: QtBot, window: KioskWindow, bounced: Delivery, tmp_path: Path
) -> None:
    log_in(qtbot, window, "maria", "4821")
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.staff, timeout=5000)
    assert window.staff is not None
    customers = window.staff.customers

    choose_customer(qtbot, customers, CODE)

    qtbot.waitUntil(customers.bounce_flag.isVisible, timeout=5000)
    assert customers.bounce_flag.text() == (
        "El correo rebotó: 5.1.1 550 5.1.1 <compras@abarrotes.mx>: Recipient address rejected: "
        "User unknown in virtual mailbox table. Ahora sus facturas se imprimen; pídale un correo "
        "que sí funcione."
    )
    window.grab().save(str(tmp_path / "staff_customer_bounced.png"))

    deliveries = window.staff.deliveries
    # The filter first: the tab shows the log as it is filtered when it opens.
    deliveries.state_filter.setCurrentIndex(deliveries.state_filter.findText("Rebotó"))
    window.staff.tabs.setCurrentWidget(deliveries)
    qtbot.waitUntil(lambda: deliveries.table.rowCount() == 1, timeout=5000)
    row = [deliveries.table.item(0, column).text() for column in range(4)]
    assert row[1:] == [CODE, "Correo", "Rebotó"]
    assert deliveries.table.item(0, 4).text().startswith("5.1.1 550 5.1.1 <compras@abarrotes")
    window.grab().save(str(tmp_path / "staff_deliveries_bounced.png"))

    # A new preference, registered at the counter, ends the flag.
    window.staff.tabs.setCurrentWidget(customers)
    customers.pages.setCurrentIndex(1)
    customers.channel_buttons[BillingChannel.EMAIL].setChecked(True)
    customers.email.setText("pagos@abarrotes.mx")
    customers.consent.setChecked(True)
    customers.save.click()
    qtbot.waitUntil(lambda: not customers.bounce_flag.isVisible(), timeout=5000)
