"""Returned mail read from a real Dovecot over IMAP with TLS, for invoices really e-mailed
through a real SMTP server: the right delivery bounced, the customer back on paper."""

from __future__ import annotations

import socket
from datetime import date

import pytest

from kiosk.app.settings import load_settings
from kiosk.app.wiring import Services, build_services
from kiosk.domain.billing_preference import BillingChannel
from kiosk.domain.delivery import DeliveryChannel, DeliveryReason, DeliveryState
from kiosk.domain.outbox import BILLING_PREFERENCE, OutboxState
from kiosk.services.errors import ExternalRejected, ExternalUnavailable
from tests.builders import make_customer, make_invoice
from tests.fixtures.dsn_messages import (
    customer_reply,
    exim_failed,
    postfix_delayed,
    postfix_failed,
)

# On each cache: the SQLite file, and the test PostgreSQL.
pytestmark = pytest.mark.usefixtures("cache_backend")

TO = "ana@cliente.mx"
PRINTER = "Caja1"


@pytest.fixture
def configured(monkeypatch, mail_server, imap_server):
    for key, value in {
        "SMTP__HOST": "127.0.0.1", "SMTP__PORT": str(mail_server.port),
        "SMTP__SECURITY": "none", "SMTP__SENDER": "facturacion@ejemplo.mx",
        "BOUNCES__HOST": imap_server.host, "BOUNCES__PORT": str(imap_server.port),
        "BOUNCES__USERNAME": imap_server.username, "BOUNCES__PASSWORD": imap_server.password,
        "BOUNCES__VERIFY": str(imap_server.ca),
        "PRINTING__PRINTER": PRINTER, "PRINTING__AUTO_PRINT": "true",
    }.items():  # fmt: skip
        monkeypatch.setenv(f"KIOSK_{key}", value)
    return mail_server, imap_server


def emailed_invoice(services: Services, mail_server, doc_num: int = 5001):
    """An invoice e-mailed to a customer whose preference is e-mail; its delivery and the
    message as the mail server received it."""
    store = services.storage.invoices
    store.upsert_customers([make_customer("C001")])
    store.upsert_invoices([make_invoice(doc_num, doc_num=doc_num, due_date=date(2030, 1, 31))])
    if services.preferences.history("C001") == []:
        services.preferences.register(
            "C001", BillingChannel.EMAIL, TO, clerk="ana", consent_given=True
        )
    invoice = services.lookup.invoices_by_number(doc_num)[0]
    delivery = services.delivery.email(invoice, to=None, requested_by="kiosk")
    assert delivery.state is DeliveryState.SENT
    return delivery, mail_server.received[-1]


def message_id(message) -> str:
    return str(message["Message-ID"]).strip("<>")


def test_a_hard_bounce_marks_the_delivery_and_puts_the_customer_back_on_paper(configured):
    mail_server, imap = configured
    services = build_services(load_settings(None))
    delivery, sent = emailed_invoice(services, mail_server)
    imap.append(postfix_failed(message_id(sent), TO))
    pending_before = len(services.outbox.entries())

    report = services.bounces.check()

    assert (report.read, report.bounced, report.back_to_paper, report.paper_copies) == (1, 1, 1, 1)
    bounced = services.storage.deliveries.delivery(delivery.id)
    assert bounced.state is DeliveryState.BOUNCED and bounced.bounced_at is not None
    assert bounced.last_error_code == "5.1.1"
    assert bounced.last_error.startswith("5.1.1 550 5.1.1 <ana@cliente.mx>: Recipient address")
    preference = services.storage.preferences.preference("C001")
    assert (preference.channel, preference.email) == (BillingChannel.PAPER, None)
    last = services.preferences.history("C001")[-1]
    assert (last.source, last.note, last.preference.channel) == (
        "bounce", bounced.last_error, BillingChannel.PAPER,
    )  # fmt: skip
    entries = services.outbox.entries()
    assert len(entries) == pending_before + 1
    pushed = [e for e in entries if e.kind == BILLING_PREFERENCE and e.state is OutboxState.PENDING]
    assert pushed[-1].payload == {"channel": "PAPER", "email": None}
    (copy,) = services.delivery.log(channel=DeliveryChannel.PAPER)
    assert (copy.doc_num, copy.reason, copy.destination, copy.state) == (
        5001, DeliveryReason.AUTOMATIC, PRINTER, DeliveryState.QUEUED,
    )  # fmt: skip
    assert imap.flags() == [{"\\Seen"}]


def test_reading_the_same_report_again_changes_nothing(configured):
    mail_server, imap = configured
    services = build_services(load_settings(None))
    _delivery, sent = emailed_invoice(services, mail_server)
    imap.append(postfix_failed(message_id(sent), TO))
    services.bounces.check()
    before = (
        services.delivery.log(),
        services.preferences.history("C001"),
        services.outbox.entries(),
    )

    assert services.bounces.check().read == 0  # marked read: not even looked at
    # As if the pass had died after recording it and before marking it read:
    connection = imap.connect()
    connection.select("INBOX")
    connection.store("1", "-FLAGS", "\\Seen")
    connection.logout()
    again = services.bounces.check()

    assert (again.read, again.bounced, again.back_to_paper, again.paper_copies) == (1, 0, 0, 0)
    after = (
        services.delivery.log(),
        services.preferences.history("C001"),
        services.outbox.entries(),
    )
    assert after == before
    assert imap.flags() == [{"\\Seen"}]


def test_the_whole_returned_message_as_exim_sends_it_is_matched_too(configured):
    mail_server, imap = configured
    services = build_services(load_settings(None))
    delivery, sent = emailed_invoice(services, mail_server)
    imap.append(exim_failed(sent.as_bytes(), TO))

    assert services.bounces.check().bounced == 1
    assert services.storage.deliveries.delivery(delivery.id).state is DeliveryState.BOUNCED


def test_mail_that_is_not_ours_is_left_unread(configured):
    mail_server, imap = configured
    services = build_services(load_settings(None))
    delivery, sent = emailed_invoice(services, mail_server)
    imap.append(customer_reply(message_id(sent), TO))
    imap.append(postfix_failed("20261203.7A1B@otra-tienda.mx", TO))
    imap.append(postfix_failed("kiosk-999-20261203095959@ejemplo.mx", TO))  # no such delivery

    report = services.bounces.check()

    assert (report.read, report.left_alone, report.bounced) == (2, 2, 0)  # the reply: no report
    assert imap.flags() == [set(), set(), set()]
    assert services.storage.deliveries.delivery(delivery.id).state is DeliveryState.SENT
    assert services.storage.preferences.preference("C001").channel is BillingChannel.EMAIL


def test_a_delay_is_noted_and_changes_nothing_else(configured):
    mail_server, imap = configured
    services = build_services(load_settings(None))
    delivery, sent = emailed_invoice(services, mail_server)
    imap.append(postfix_delayed(message_id(sent), TO))

    report = services.bounces.check()

    assert (report.delayed, report.bounced, report.back_to_paper) == (1, 0, 0)
    noted = services.storage.deliveries.delivery(delivery.id)
    assert noted.state is DeliveryState.SENT and noted.last_error_code == "4.4.1"
    assert noted.last_error.startswith("delayed: 4.4.1 connect to mx.cliente.mx")
    assert services.storage.preferences.preference("C001").channel is BillingChannel.EMAIL
    assert services.delivery.log(channel=DeliveryChannel.PAPER) == []
    assert imap.flags() == [{"\\Seen"}]


@pytest.mark.parametrize(
    ("setting", "value", "error", "says"),
    [
        ("BOUNCES__PASSWORD", "wrong", ExternalRejected, "refused the login of rebotes"),
        ("BOUNCES__VERIFY", "true", ExternalRejected, "set bounces.verify to its CA bundle"),
        ("BOUNCES__MAILBOX", "Rebotes", ExternalRejected, "refused the folder 'Rebotes'"),
    ],
)
def test_a_mailbox_that_refuses_says_why_in_one_line_and_nothing_is_lost(
    configured, monkeypatch, setting, value, error, says
):
    mail_server, imap = configured
    services = build_services(load_settings(None))
    delivery, sent = emailed_invoice(services, mail_server)
    imap.append(postfix_failed(message_id(sent), TO))
    monkeypatch.setenv(f"KIOSK_{setting}", value)

    with pytest.raises(error, match=says) as raised:
        build_services(load_settings(None)).bounces.check()

    assert "\n" not in str(raised.value) and "wrong" not in str(raised.value)
    assert imap.flags() == [set()]
    assert services.storage.deliveries.delivery(delivery.id).state is DeliveryState.SENT


def test_an_unreachable_mailbox_is_worth_another_try(configured, monkeypatch):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    monkeypatch.setenv("KIOSK_BOUNCES__PORT", str(closed))

    with pytest.raises(ExternalUnavailable, match=r"cannot be reached \(Connection refused\)"):
        build_services(load_settings(None)).bounces.check()


def test_a_server_that_does_not_speak_tls_is_named(configured, monkeypatch):
    mail_server, _imap = configured
    monkeypatch.setenv("KIOSK_BOUNCES__PORT", str(mail_server.port))  # plain SMTP there

    with pytest.raises(ExternalRejected, match="does not speak IMAP over TLS"):
        build_services(load_settings(None)).bounces.check()
