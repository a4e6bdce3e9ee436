"""`kiosk bounces check` against a real Dovecot, after `kiosk invoices email` through a real SMTP
server: one summary line (or JSON), the bounced invoice printed on a real CUPS queue, and one
clear line when the mailbox refuses."""

from __future__ import annotations

import json
from datetime import date

import pytest
from pypdf import PdfReader

from kiosk.app.cli import main
from kiosk.app.settings import load_settings
from kiosk.app.wiring import build_services
from kiosk.domain.billing_preference import BillingChannel
from kiosk.domain.delivery import DeliveryChannel, DeliveryState
from tests.builders import make_customer, make_invoice
from tests.fixtures.delivery_parts import printed_pdf
from tests.fixtures.dsn_messages import postfix_failed

pytestmark = pytest.mark.usefixtures("english")
TO = "ana@cliente.mx"


@pytest.fixture
def bounced(monkeypatch, mail_server, imap_server, cups_queue, capsys):
    """Invoice 5001 e-mailed to a customer on e-mail, and Postfix's bounce of it unread."""
    for key, value in {
        "SMTP__HOST": "127.0.0.1", "SMTP__PORT": str(mail_server.port),
        "SMTP__SECURITY": "none", "SMTP__SENDER": "facturacion@ejemplo.mx",
        "BOUNCES__HOST": imap_server.host, "BOUNCES__PORT": str(imap_server.port),
        "BOUNCES__USERNAME": imap_server.username, "BOUNCES__PASSWORD": imap_server.password,
        "BOUNCES__VERIFY": str(imap_server.ca),
        "PRINTING__PRINTER": cups_queue, "PRINTING__AUTO_PRINT": "true",
    }.items():  # fmt: skip
        monkeypatch.setenv(f"KIOSK_{key}", value)
    services = build_services(load_settings(None))
    services.storage.invoices.upsert_customers([make_customer("C001")])
    services.storage.invoices.upsert_invoices(
        [make_invoice(1, doc_num=5001, due_date=date(2030, 1, 31))]
    )
    services.preferences.register("C001", BillingChannel.EMAIL, TO, clerk="ana", consent_given=True)
    assert main(["invoices", "email", "5001"]) == 0
    capsys.readouterr()
    message_id = str(mail_server.received[-1]["Message-ID"]).strip("<>")
    imap_server.append(postfix_failed(message_id, TO))
    return imap_server


def test_check_records_the_bounce_and_prints_the_invoice(bounced, capsys):
    assert main(["bounces", "check"]) == 0
    out = capsys.readouterr().out

    assert out.strip() == (
        "bounces: read 1 report(s): 1 delivery(ies) bounced, 1 customer(s) back on paper, "
        "1 invoice(s) on paper, 0 delayed, 0 left unread (not ours)"
    )
    log = build_services(load_settings(None)).delivery.log()
    email = next(d for d in log if d.channel is DeliveryChannel.EMAIL)
    paper = next(d for d in log if d.channel is DeliveryChannel.PAPER)
    assert email.state is DeliveryState.BOUNCED
    assert paper.state is DeliveryState.SENT  # printed in the same command
    printed = " ".join(page.extract_text() for page in PdfReader(printed_pdf(paper.receipt)).pages)
    assert "5001" in printed
    assert bounced.flags() == [{"\\Seen"}]

    assert main(["deliveries", "--json"]) == 0
    entries = {d["channel"]: d for d in json.loads(capsys.readouterr().out)}
    assert entries["email"]["state"] == "bounced" and entries["email"]["bounced_at"]
    assert entries["email"]["error_code"] == "5.1.1"


def test_check_as_json_and_a_second_check_finds_nothing(bounced, capsys):
    assert main(["bounces", "check", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert main(["bounces", "check", "--json"]) == 0
    second = json.loads(capsys.readouterr().out)

    assert (first["read"], first["bounced"], first["back_to_paper"]) == (1, 1, 1)
    assert second == {
        "read": 0, "bounced": 0, "back_to_paper": 0, "paper_copies": 0, "delayed": 0,
        "left_alone": 0,
    }  # fmt: skip


def test_a_refused_login_is_one_line_and_the_report_stays_unread(bounced, capsys, monkeypatch):
    monkeypatch.setenv("KIOSK_BOUNCES__PASSWORD", "not-the-password")

    assert main(["bounces", "check"]) == 4

    err = capsys.readouterr().err
    assert err.startswith("kiosk: the bounce mailbox 127.0.0.1:") and err.count("\n") == 1
    assert "refused the login of rebotes" in err and "not-the-password" not in err
    assert bounced.flags() == [set()]


def test_without_a_mailbox_the_check_says_what_to_set(capsys):
    assert main(["bounces", "check"]) == 4
    assert capsys.readouterr().err == (
        "kiosk: no bounce mailbox configured (bounces.host is empty)\n"
    )


def test_doctor_logs_in_to_the_bounce_mailbox(bounced, capsys, monkeypatch):
    monkeypatch.delenv("KIOSK_SMTP__HOST")  # no sender domain to look up in DNS here
    main(["doctor"])
    out = capsys.readouterr().out

    assert f"ok    bounces   127.0.0.1:{bounced.port}, logged in as rebotes: INBOX: 1 unread" in out

    monkeypatch.setenv("KIOSK_BOUNCES__VERIFY", "true")
    main(["doctor"])
    assert "FAIL  bounces   the TLS certificate of the bounce mailbox" in capsys.readouterr().out
