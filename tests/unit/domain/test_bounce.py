"""Reading delivery status notifications as Postfix, Exim and Gmail write them."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from kiosk.domain.bounce import read_bounce
from tests.fixtures.dsn_messages import (
    customer_reply,
    exim_failed,
    gmail_failed,
    postfix_delayed,
    postfix_failed,
)

OURS = "kiosk-7-20261203095959@ejemplo.mx"
TO = "ana@cliente.mx"


def original_message() -> bytes:
    message = EmailMessage()
    message["From"] = "facturacion@ejemplo.mx"
    message["To"] = TO
    message["Subject"] = "Factura 5001 de Distribuidora Ejemplo"
    message["Message-ID"] = f"<{OURS}>"
    message.set_content("Su factura 5001.")
    message.add_attachment(b"%PDF-1.4 ...", maintype="application", subtype="pdf", filename="f.pdf")
    return message.as_bytes()


def test_postfix_bounce_is_permanent_with_its_status_and_the_servers_words():
    notice = read_bounce(postfix_failed(OURS, TO))

    assert notice is not None
    assert notice.message_ids == (OURS,)
    assert notice.failed and notice.permanent and not notice.delayed
    (recipient,) = notice.recipients
    assert (recipient.action, recipient.status, recipient.recipient) == ("failed", "5.1.1", TO)
    # The folded Diagnostic-Code reads as one line, without its "smtp;" type.
    assert notice.reason == (
        "5.1.1 550 5.1.1 <ana@cliente.mx>: Recipient address rejected: User unknown in "
        "virtual mailbox table"
    )


def test_postfix_delay_warning_is_a_delay_not_a_failure():
    notice = read_bounce(postfix_delayed(OURS, TO))

    assert notice is not None and notice.message_ids == (OURS,)
    assert notice.delayed and not notice.failed and not notice.permanent
    assert notice.reason.startswith("4.4.1 connect to mx.cliente.mx[203.0.113.5]:25:")


def test_exim_returns_the_whole_message_and_its_message_id_is_found_in_it():
    notice = read_bounce(exim_failed(original_message(), TO))

    assert notice is not None and notice.message_ids == (OURS,)
    assert notice.permanent
    assert notice.reason == "5.0.0 550 No such user here"


def test_gmail_names_the_message_in_the_report_when_the_headers_lack_it():
    notice = read_bounce(gmail_failed(OURS, TO))

    assert notice is not None and notice.message_ids == (OURS,)
    assert notice.permanent
    assert notice.worst is not None and notice.worst.status == "5.1.1"
    assert "The email account that you tried to reach does not exist" in notice.reason


def test_a_reply_is_no_report_even_when_it_quotes_our_message_id():
    assert read_bounce(customer_reply(OURS, TO)) is None


def test_other_reports_and_reports_without_a_status_part_are_not_bounces():
    feedback = postfix_failed(OURS, TO).replace(
        b"report-type=delivery-status", b"report-type=feedback-report"
    )
    assert read_bounce(feedback) is None
    no_status = postfix_failed(OURS, TO).replace(
        b"Content-Type: message/delivery-status", b"Content-Type: text/plain"
    )
    assert read_bounce(no_status) is None


@pytest.mark.parametrize(
    ("status", "diagnostic", "expected", "permanent"),
    [
        ("", "smtp; 550 mailbox unavailable", "5.0.0", True),  # no Status: the reply code
        ("4.2.2 (mailbox full)", "smtp; 452 4.2.2 Over quota", "4.2.2", False),
        ("", "", "5.0.0", True),  # failed, and nothing more said
    ],
)
def test_the_status_comes_from_the_diagnostic_when_the_status_field_fails(
    status, diagnostic, expected, permanent
):
    raw = postfix_failed(OURS, TO).replace(b"Status: 5.1.1", f"Status: {status}".encode())
    start = raw.index(b"Diagnostic-Code:")
    end = raw.index(b"\r\n\r\n", start)
    raw = raw[:start] + f"Diagnostic-Code: {diagnostic}".encode() + raw[end:]

    notice = read_bounce(raw)

    assert notice is not None and notice.worst is not None
    assert (notice.worst.status, notice.permanent) == (expected, permanent)
    assert notice.failed


def test_of_several_recipients_the_worst_decides():
    raw = postfix_failed(OURS, TO).replace(
        b"Final-Recipient: rfc822; ana@cliente.mx",
        b"Final-Recipient: rfc822; otra@cliente.mx\r\nAction: delayed\r\nStatus: 4.4.1\r\n\r\n"
        b"Final-Recipient: rfc822; ana@cliente.mx",
    )

    notice = read_bounce(raw)

    assert notice is not None and len(notice.recipients) == 2
    assert notice.permanent and notice.worst is not None and notice.worst.recipient == TO
