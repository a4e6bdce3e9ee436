"""A kiosk killed after the mail server took an invoice and before it noted the send: the next
run sends it again as the same message (same Message-ID), once, and then records it sent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from kiosk.app.settings import load_settings
from kiosk.app.wiring import build_services, open_store
from kiosk.domain.delivery import Delivery, DeliveryState
from tests.builders import make_customer, make_invoice

# On each cache: the SQLite file, and the test PostgreSQL.
pytestmark = pytest.mark.usefixtures("cache_backend")

ROOT = Path(__file__).parents[3]


@dataclass
class KillingMailServer:
    """Accepts each message, then SIGKILLs the sending process while it waits for the reply
    to QUIT: after "250 accepted", before the kiosk could record the delivery as sent."""

    port: int
    received: list[Message] = field(default_factory=list)
    victim: int | None = None  # the pid to kill at the next QUIT

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.received.append(message_from_bytes(envelope.content))
        return "250 2.0.0 Message accepted for delivery"

    async def handle_QUIT(self, server, session, envelope):  # noqa: N802
        if self.victim is not None and self.received:
            os.kill(self.victim, signal.SIGKILL)
            self.victim = None
        return "221 Bye"


@pytest.fixture
def killing_server(unused_tcp_port: int) -> Iterator[KillingMailServer]:
    server = KillingMailServer(unused_tcp_port)
    controller = Controller(server, hostname="127.0.0.1", port=unused_tcp_port)
    controller.start()
    yield server
    controller.stop()


# What `kiosk invoices email 5001 --to ...` and `kiosk deliver` do, through the same wiring.
EMAIL_INVOICE = """
from kiosk.app.settings import load_settings
from kiosk.app.wiring import build_services
services = build_services(load_settings(None))
[invoice] = services.storage.invoices.invoices_by_number(5001)
services.delivery.email(invoice, to="cliente@correo.mx", requested_by="counter")
"""
DELIVER = """
from kiosk.app.settings import load_settings
from kiosk.app.wiring import build_services
build_services(load_settings(None)).delivery.deliver_new_invoices()
"""


def kiosk(script: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", script],
        cwd=ROOT, env=os.environ.copy(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def deliveries() -> list[Delivery]:
    services = build_services(load_settings(None))
    try:
        return services.delivery.log()
    finally:
        services.close()


@pytest.mark.slow
def test_a_kill_between_send_and_record_repeats_the_same_message_once(killing_server, monkeypatch):
    monkeypatch.setenv("KIOSK_SMTP__HOST", "127.0.0.1")
    monkeypatch.setenv("KIOSK_SMTP__PORT", str(killing_server.port))
    monkeypatch.setenv("KIOSK_SMTP__SECURITY", "none")
    monkeypatch.setenv("KIOSK_SMTP__SENDER", "facturacion@ejemplo.mx")
    monkeypatch.setenv("KIOSK_DELIVERY__WITHOUT_PREFERENCE", "none")
    store = open_store(load_settings(None).database)
    store.upsert_customers([make_customer("C001")])
    store.upsert_invoices([make_invoice(1, doc_num=5001, due_date=date(2030, 1, 31))])
    store.engine.dispose()

    first = kiosk(EMAIL_INVOICE)
    killing_server.victim = first.pid
    _out, err = first.communicate(timeout=60)

    assert first.returncode == -signal.SIGKILL, err
    assert len(killing_server.received) == 1  # the server has it; the kiosk never heard
    [left] = deliveries()
    assert (left.state, left.attempts, left.receipt) == (DeliveryState.SENDING, 1, None)

    again = kiosk(DELIVER)
    _out, err = again.communicate(timeout=60)
    assert again.returncode == 0, err

    first_copy, repeat = killing_server.received
    assert repeat["Message-ID"] == first_copy["Message-ID"]  # receivers drop the repeat
    assert repeat["Message-ID"].endswith("@ejemplo.mx>")
    assert repeat.get_payload()[1].get_payload(decode=True) == (
        first_copy.get_payload()[1].get_payload(decode=True)
    )  # the same PDF
    [done] = deliveries()
    assert (done.state, done.attempts) == (DeliveryState.SENT, 2)
    assert done.receipt == first_copy["Message-ID"]

    time.sleep(0.1)
    last = kiosk(DELIVER)
    last.communicate(timeout=60)
    assert len(killing_server.received) == 2  # sent is sent: nothing goes out a third time
