"""E-mail through a real SMTP server on loopback: plain, STARTTLS with login, and refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.delivery.smtp_mailer import SmtpConfig, SmtpMailer
from kiosk.domain.delivery import OutgoingEmail
from kiosk.services.errors import ExternalRejected, ExternalUnavailable

PDF = b"%PDF-1.4 fake invoice bytes \x00\xff"
EMAIL = OutgoingEmail(
    to="pagos@cliente.mx",
    subject="Factura 100042 de Distribuidora Ejemplo",
    text="Estimado cliente:\n\nSaldo a pagar: $232.00\n",
    html="<p>Saldo a pagar: <b>$232.00</b></p>",
    attachment_name="Factura-100042.pdf",
    attachment=PDF,
)


def mailer(port: int, **overrides) -> SmtpMailer:
    values = {
        "host": "127.0.0.1", "port": port, "security": "none", "username": "", "password": "",
        "sender": "facturacion@ejemplo.mx", "reply_to": "cobranza@ejemplo.mx",
        "timeout_seconds": 5, "verify": True,
    }  # fmt: skip
    values.update(overrides)
    return SmtpMailer(SmtpConfig(**values))


def test_plain_smtp_delivers_headers_both_bodies_and_the_pdf(mail_server):
    message_id = mailer(mail_server.port).send(EMAIL)

    [received] = mail_server.received
    assert received["Message-ID"] == message_id
    assert received["From"] == "facturacion@ejemplo.mx" and received["To"] == "pagos@cliente.mx"
    assert received["Reply-To"] == "cobranza@ejemplo.mx"
    assert received["Subject"] == "Factura 100042 de Distribuidora Ejemplo"
    parts = {part.get_content_type(): part for part in received.walk()}
    assert parts["text/plain"].get_payload(decode=True).decode().replace("\r\n", "\n") == EMAIL.text
    assert "<b>$232.00</b>" in parts["text/html"].get_payload(decode=True).decode()
    attachment = parts["application/pdf"]
    assert attachment.get_filename() == "Factura-100042.pdf"
    assert attachment.get_payload(decode=True) == PDF


def test_starttls_with_login_and_the_company_ca(tls_mail_server):
    server, certificate = tls_mail_server

    mailer(
        server.port, security="starttls", username="kiosk", password="s3cret", verify=certificate
    ).send(EMAIL)

    assert [m["Subject"] for m in server.received] == [EMAIL.subject]


def test_an_unverifiable_certificate_is_refused_clearly(tls_mail_server):
    server, _certificate = tls_mail_server

    with pytest.raises(ExternalRejected, match="could not be verified"):
        mailer(server.port, security="starttls", username="kiosk", password="s3cret").send(EMAIL)
    assert server.received == []


def test_a_wrong_password_is_a_refusal(tls_mail_server):
    server, certificate = tls_mail_server

    with pytest.raises(ExternalRejected, match="refused the login of kiosk") as raised:
        mailer(
            server.port, security="starttls", username="kiosk", password="x", verify=certificate
        ).send(EMAIL)
    assert raised.value.code == "535"


def test_mailbox_refused_for_good_is_550(mail_server):
    mail_server.refuse["pagos@cliente.mx"] = "550 5.1.1 Mailbox does not exist"

    with pytest.raises(ExternalRejected) as raised:
        mailer(mail_server.port).send(EMAIL)

    assert raised.value.code == "550" and "Mailbox does not exist" in str(raised.value)


def test_a_451_asks_to_try_later(mail_server):
    mail_server.refuse["pagos@cliente.mx"] = "451 4.3.0 Try again later"

    with pytest.raises(ExternalUnavailable) as raised:
        mailer(mail_server.port).send(EMAIL)

    assert raised.value.code == "451"


def test_a_server_that_is_down_is_unavailable(unused_tcp_port):
    with pytest.raises(ExternalUnavailable, match=r"cannot be reached .*refused"):
        mailer(unused_tcp_port).send(EMAIL)


def test_no_server_configured():
    with pytest.raises(ExternalRejected, match=r"smtp\.host is empty"):
        mailer(25, host="")


def test_path_type_for_ca_bundle(tmp_path: Path):
    assert isinstance(SmtpConfig("h", 25, "none", "", "", "a@b.mx", "", 5, tmp_path).verify, Path)
