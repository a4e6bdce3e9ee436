"""Automatic delivery after sync: each new invoice once per channel of its customer's preference,
over a real SMTP server and a real CUPS queue, and the deliveries recorded in SAP exactly once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pypdf import PdfReader

from kiosk.delivery.cups_printer import CupsPrinter
from kiosk.delivery.smtp_mailer import SmtpConfig, SmtpMailer
from kiosk.domain.delivery import DeliveryChannel, DeliveryState
from kiosk.services.delivery import DeliveryOptions, DeliveryService
from tests.fixtures.delivery_parts import printed_pdf
from tests.integration.sync.conftest import SAP_NOW

PREFERENCES = {
    "C000010": ("EMAIL", "diez@cliente.mx"),
    "C000011": ("PAPER", None),
    "C000012": ("BOTH", "doce@cliente.mx"),
}


def delivery(
    kiosk, port: int, printer: str | None, *, record_in_sap: bool = False
) -> DeliveryService:
    services = kiosk.services
    mailer = SmtpMailer(
        SmtpConfig("127.0.0.1", port, "none", "", "", "facturacion@ejemplo.mx", "", 5)
    )
    options = DeliveryOptions(
        language="es", seller="Distribuidora Ejemplo", auto_printer=printer,
        record_in_sap=record_in_sap,
    )  # fmt: skip
    storage = services.storage
    return DeliveryService(
        storage.deliveries, storage.invoices, services.documents, services.payments, mailer,
        CupsPrinter(), storage.cursors, kiosk.clock, options,
    )  # fmt: skip


def new_invoices_in_sap(emulator) -> dict[str, int]:
    emulator.clock.freeze(SAP_NOW + timedelta(days=1))
    for code, (channel, email) in PREFERENCES.items():
        fields = {"U_BillingChannel": channel, **({"U_BillingEmail": email} if email else {})}
        emulator.data.patch("BusinessPartners", code, fields)
    return {
        code: emulator.data.create(
            "Invoices", {"CardCode": code, "DocumentLines": [{"ItemCode": "A1", "UnitPrice": 100}]}
        )["DocNum"]
        for code in PREFERENCES
    }


@pytest.mark.parametrize("api_version", ["v2"])
def test_new_invoices_follow_preferences_exactly_once(kiosk, emulator, mail_server, cups_queue):
    kiosk.sync()
    service = delivery(kiosk, mail_server.port, cups_queue)
    service.deliver_new_invoices()  # starts automatic delivery from today; older invoices wait
    before = {d.id for d in service.log()}
    mail_server.received.clear()
    numbers = new_invoices_in_sap(emulator)
    kiosk.clock.advance(days=1)

    kiosk.sync()
    report = service.deliver_new_invoices()

    new = [d for d in service.log() if d.id not in before]
    by_channel = {(d.channel, d.doc_num) for d in new}
    assert by_channel == {
        (DeliveryChannel.EMAIL, numbers["C000010"]),
        (DeliveryChannel.PAPER, numbers["C000011"]),
        (DeliveryChannel.EMAIL, numbers["C000012"]),
        (DeliveryChannel.PAPER, numbers["C000012"]),
    }
    assert all(d.state is DeliveryState.SENT for d in new)
    assert service.log(limit=3) == service.log()[:3]  # newest first, cut in the database
    assert service.log(channel=DeliveryChannel.PAPER, limit=1)[0].customer_code in {
        "C000011",
        "C000012",
    }
    assert (report.queued_emails, report.queued_prints, report.sent) == (2, 2, 4)
    assert sorted(m["To"] for m in mail_server.received) == ["diez@cliente.mx", "doce@cliente.mx"]
    assert {m["Subject"] for m in mail_server.received} == {
        f"Factura {numbers['C000010']} de Distribuidora Ejemplo",
        f"Factura {numbers['C000012']} de Distribuidora Ejemplo",
    }
    paper = next(
        d for d in new if d.channel is DeliveryChannel.PAPER and d.customer_code == "C000011"
    )
    printed = " ".join(p.extract_text() for p in PdfReader(printed_pdf(paper.receipt)).pages)
    assert str(numbers["C000011"]) in printed

    kiosk.sync()
    again = service.deliver_new_invoices()

    assert (again.queued_emails, again.queued_prints, again.sent) == (0, 0, 0)
    assert len(mail_server.received) == 2


@pytest.mark.parametrize("api_version", ["v2"])
def test_without_a_printer_paper_is_listed_for_the_clerk(kiosk, emulator, mail_server, cups_queue):
    kiosk.sync()
    service = delivery(kiosk, mail_server.port, None)
    service.deliver_new_invoices()
    numbers = new_invoices_in_sap(emulator)
    kiosk.clock.advance(days=1)
    kiosk.sync()

    report = service.deliver_new_invoices()

    listed = service.log(state=DeliveryState.LISTED)
    assert report.listed_for_clerk == 2
    assert {d.doc_num for d in listed} == {numbers["C000011"], numbers["C000012"]}
    batch = service.print_listed([d.id for d in listed], printer=cups_queue)
    assert batch.sent == 2 and service.log(state=DeliveryState.LISTED) == []


@pytest.mark.parametrize("api_version", ["v1"])
def test_smtp_down_then_up_550_and_451(kiosk, emulator, unused_tcp_port, cups_queue):
    from aiosmtpd.controller import Controller

    from tests.fixtures.delivery_parts import MailServer

    kiosk.sync()
    invoice = kiosk.services.lookup.search("C000010")[0]
    service = delivery(kiosk, unused_tcp_port, cups_queue)

    down = service.email(invoice, to="a@cliente.mx", requested_by="rosa")
    assert down.state is DeliveryState.QUEUED and "cannot be reached" in down.last_error

    refusals = {
        "nadie@cliente.mx": "550 5.1.1 No such user",
        "lleno@cliente.mx": "451 4.2.2 Mailbox full",
    }
    server = MailServer(unused_tcp_port, refuse=refusals)
    controller = Controller(server, hostname="127.0.0.1", port=unused_tcp_port)
    controller.start()
    try:
        kiosk.clock.advance(minutes=5)
        assert service.send_due().sent == 1
        refused = service.email(invoice, to="nadie@cliente.mx", requested_by="rosa")
        full = service.email(invoice, to="lleno@cliente.mx", requested_by="rosa")
        kiosk.clock.advance(minutes=5)
        later = service.send_due()
    finally:
        controller.stop()

    assert [m["To"] for m in server.received] == ["a@cliente.mx"]
    assert refused.state is DeliveryState.FAILED and refused.last_error_code == "550"
    assert full.state is DeliveryState.QUEUED and full.last_error_code == "451"
    assert later.retrying == 1 and later.failed == 0  # the 550 is not tried again
    assert service.log()[0].attempts == 2  # the 451 was tried twice


@pytest.mark.parametrize("api_version", ["v2"])
def test_deliveries_are_recorded_in_sap_once(kiosk, emulator, mail_server, cups_queue):
    kiosk.sync()
    invoice = kiosk.services.lookup.search("C000010")[0]
    service = delivery(kiosk, mail_server.port, cups_queue, record_in_sap=True)
    service.email(invoice, to="a@cliente.mx", requested_by="rosa")
    emulator.faults.write_then_drop_next(r"^Activities$")

    kiosk.sync()  # the POST lands but its answer is lost
    kiosk.clock.advance(minutes=5)
    kiosk.sync()  # the retry finds it by reference instead of posting again

    activities = emulator.data.query("Activities", None, [], False)
    assert len(activities) == 1
    assert (activities[0]["DocType"], activities[0]["DocEntry"]) == ("13", str(invoice.doc_entry))
    assert kiosk.services.outbox.entries() == []
