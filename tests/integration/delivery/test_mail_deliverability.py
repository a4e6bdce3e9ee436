"""What keeps invoice mail out of spam folders, as a real SMTP server on loopback receives it:
Message-ID, Date, both bodies, List-Unsubscribe, and a DKIM signature that verifies."""

from __future__ import annotations

import base64
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path

import dkim
import pytest
from aiosmtpd.controller import Controller

from kiosk.app.settings import SettingsError, load_settings
from kiosk.app.wiring import smtp_mailer
from kiosk.delivery.dkim_signer import DkimSigner
from kiosk.delivery.smtp_mailer import SmtpConfig, SmtpMailer, unsubscribe_uris
from kiosk.domain.delivery import EmailAttachment, OutgoingEmail
from kiosk.services.errors import ExternalRejected

PDF = b"%PDF-1.4 factura \x00\xff\x10"
XML = b'<?xml version="1.0" encoding="UTF-8"?><cfdi:Comprobante Folio="100042"/>'
EMAIL = OutgoingEmail(
    to="pagos@cliente.mx",
    subject="Factura 100042 de Distribuidora Peña",
    text="Estimado cliente:\n\nSaldo a pagar: $232.00, vence el 14/02/2026.\n\nGracias.\n",
    html='<html lang="es"><body><p>Saldo a pagar: <b>$232.00</b></p></body></html>',
    attachment_name="Factura-100042.pdf",
    attachment=PDF,
    also_attached=(EmailAttachment("Factura-100042.xml", XML),),
    message_key="kiosk-7-20260115103000",
)


@dataclass
class RawMailServer:
    """Keeps the exact bytes each message arrived as, for DKIM to check."""

    port: int
    raw: list[bytes] = field(default_factory=list)
    senders: list[str] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.raw.append(envelope.original_content or envelope.content)
        self.senders.append(envelope.mail_from)
        return "250 OK"

    @property
    def messages(self) -> list[EmailMessage]:
        # As a mail reader shows them: folded headers unfolded, encoded words decoded.
        return [message_from_bytes(raw, policy=policy.default) for raw in self.raw]  # type: ignore[misc]


@pytest.fixture
def raw_server(unused_tcp_port: int) -> Iterator[RawMailServer]:
    server = RawMailServer(unused_tcp_port)
    controller = Controller(server, hostname="127.0.0.1", port=unused_tcp_port)
    controller.start()
    yield server
    controller.stop()


@pytest.fixture(scope="module")
def dkim_key(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A fresh RSA key as `openssl genrsa` writes it today (PKCS#8), and its DNS record."""
    folder = tmp_path_factory.mktemp("dkim")
    key = folder / "dkim.pem"
    subprocess.run(["openssl", "genrsa", "-out", str(key), "2048"], check=True, capture_output=True)
    der = subprocess.run(
        ["openssl", "rsa", "-in", str(key), "-pubout", "-outform", "DER"],
        check=True, capture_output=True,
    ).stdout  # fmt: skip
    return key, f"v=DKIM1; k=rsa; p={base64.b64encode(der).decode()}"


def mailer(port: int, *, dkim: DkimSigner | None = None, **overrides: object) -> SmtpMailer:
    values: dict[str, object] = {
        "host": "127.0.0.1", "port": port, "security": "none", "username": "", "password": "",
        "sender": "Distribuidora Peña <facturacion@Ejemplo.MX>", "reply_to": "cobranza@ejemplo.mx",
        "timeout_seconds": 5, "list_unsubscribe": ("mailto:baja@ejemplo.mx?subject=baja",),
    }  # fmt: skip
    values.update(overrides)
    return SmtpMailer(SmtpConfig(**values), dkim)  # type: ignore[arg-type]


def dns_with(record: str, name: bytes = b"kiosk._domainkey.ejemplo.mx"):
    def lookup(asked: bytes, timeout: float = 5) -> bytes | None:
        return record.encode() if asked.rstrip(b".").lower() == name else None

    return lookup


def test_the_raw_message_has_every_header_both_bodies_and_both_files(raw_server):
    before = datetime.now().astimezone()
    message_id = mailer(raw_server.port).send(EMAIL)

    [raw] = raw_server.raw
    [message] = raw_server.messages
    assert raw_server.senders == ["facturacion@Ejemplo.MX"]
    assert message_id == message["Message-ID"] == "<kiosk-7-20260115103000@ejemplo.mx>"
    sent_at = parsedate_to_datetime(message["Date"])
    assert sent_at.utcoffset() == before.utcoffset()  # local time, with its offset
    assert before - timedelta(seconds=1) <= sent_at <= datetime.now().astimezone()
    assert message["From"] == "Distribuidora Peña <facturacion@Ejemplo.MX>"
    assert b"From: Distribuidora =?utf-8?q?Pe=C3=B1a?= <facturacion@Ejemplo.MX>\r\n" in raw
    assert message["Reply-To"] == "cobranza@ejemplo.mx" and message["MIME-Version"] == "1.0"
    assert message["List-Unsubscribe"] == "<mailto:baja@ejemplo.mx?subject=baja>"
    assert message["List-Unsubscribe-Post"] is None  # only for an https: target
    assert message["Auto-Submitted"] is None  # an invoice is not an automatic reply
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998
    assert all(byte < 128 for byte in raw)  # 7-bit: no relay needs to re-encode it

    assert message.get_content_type() == "multipart/mixed"
    alternative, pdf, xml = message.get_payload()
    assert alternative.get_content_type() == "multipart/alternative"
    text, html = alternative.get_payload()
    assert text.get_content_type() == "text/plain" and text.get_content_charset() == "utf-8"
    assert text.get_payload(decode=True).decode("utf-8").replace("\r\n", "\n") == EMAIL.text
    assert html.get_content_type() == "text/html" and html.get_content_charset() == "utf-8"
    assert html.get_payload(decode=True).decode("utf-8").replace("\r\n", "\n") == EMAIL.html + "\n"
    assert (pdf.get_content_type(), pdf.get_filename()) == ("application/pdf", "Factura-100042.pdf")
    assert pdf.get_payload(decode=True) == PDF
    assert (xml.get_content_type(), xml.get_filename()) == ("application/xml", "Factura-100042.xml")
    assert xml.get_payload(decode=True) == XML
    assert raw.count(b"MIME-Version:") == 1


def test_without_attachments_the_bodies_are_the_whole_message(raw_server):
    mailer(raw_server.port).send(
        OutgoingEmail(to="a@b.mx", subject="Aviso", text="Hola\n", html="<p>Hola</p>",
                      attachment_name="", attachment=None)
    )  # fmt: skip

    [message] = raw_server.messages
    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.get_payload()] == [
        "text/plain", "text/html",
    ]  # fmt: skip
    assert message["Message-ID"].endswith("@ejemplo.mx>")  # a fresh one, of the sender's domain


def test_an_https_unsubscribe_offers_one_click(raw_server):
    uris = unsubscribe_uris("Baja <baja@ejemplo.mx>, https://ejemplo.mx/baja?c=1")
    assert uris == ("mailto:baja@ejemplo.mx?subject=baja", "https://ejemplo.mx/baja?c=1")

    mailer(raw_server.port, list_unsubscribe=uris).send(EMAIL)

    [message] = raw_server.messages
    # Folded to fit 78 columns; a reader unfolds it to the same two targets.
    assert message["List-Unsubscribe"].strip() == (
        "<mailto:baja@ejemplo.mx?subject=baja>, <https://ejemplo.mx/baja?c=1>"
    )
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_unsubscribe_address_defaults_to_the_company_then_reply_to(monkeypatch, raw_server):
    monkeypatch.setenv("KIOSK_SMTP__HOST", "127.0.0.1")
    monkeypatch.setenv("KIOSK_SMTP__PORT", str(raw_server.port))
    monkeypatch.setenv("KIOSK_SMTP__SECURITY", "none")
    monkeypatch.setenv("KIOSK_SMTP__SENDER", "facturacion@ejemplo.mx")
    monkeypatch.setenv("KIOSK_SMTP__REPLY_TO", "Cobranza <cobranza@ejemplo.mx>")
    settings = load_settings(None)

    smtp_mailer(settings.smtp, "ventas@ejemplo.mx").send(EMAIL)
    smtp_mailer(settings.smtp, "").send(EMAIL)
    monkeypatch.setenv("KIOSK_SMTP__LIST_UNSUBSCRIBE", "https://ejemplo.mx/baja")
    smtp_mailer(load_settings(None).smtp, "ventas@ejemplo.mx").send(EMAIL)

    assert [m["List-Unsubscribe"] for m in raw_server.messages] == [
        "<mailto:ventas@ejemplo.mx?subject=baja>",
        "<mailto:cobranza@ejemplo.mx?subject=baja>",
        "<https://ejemplo.mx/baja>",
    ]


def test_a_dkim_signature_verifies_as_received(raw_server, dkim_key):
    key, record = dkim_key
    signer = DkimSigner("kiosk", "ejemplo.mx", key)

    mailer(raw_server.port, dkim=signer).send(EMAIL)

    [raw] = raw_server.raw
    assert dkim.verify(raw, dnsfunc=dns_with(record)) is True
    signature = raw_server.messages[0]["DKIM-Signature"]
    tags = {k.strip(): v.strip() for k, _, v in (t.partition("=") for t in signature.split(";"))}
    assert tags["c"] == "relaxed/relaxed" and tags["a"] == "rsa-sha256"
    assert (tags["d"], tags["s"]) == ("ejemplo.mx", "kiosk")
    signed = {name.strip().lower() for name in "".join(tags["h"].split()).split(":")}
    assert signed >= {
        "from", "to", "subject", "date", "message-id", "mime-version", "content-type",
        "list-unsubscribe",
    }  # fmt: skip
    assert signer.dns_record() == record  # what `kiosk doctor` tells the store to publish
    assert signer.matches(record)


def test_a_tampered_body_or_header_or_another_key_fails_verification(raw_server, dkim_key):
    key, record = dkim_key
    mailer(raw_server.port, dkim=DkimSigner("kiosk", "ejemplo.mx", key)).send(EMAIL)
    [raw] = raw_server.raw

    assert dkim.verify(raw.replace(b"$232.00", b"$1232.00"), dnsfunc=dns_with(record)) is False
    tampered = raw.replace(b"Subject: Factura 100042", b"Subject: Factura 900042")
    assert tampered != raw and dkim.verify(tampered, dnsfunc=dns_with(record)) is False
    other = subprocess.run(["openssl", "genrsa", "2048"], check=True, capture_output=True).stdout
    other_key = key.with_name("other.pem")
    other_key.write_bytes(other)
    other_signer = DkimSigner("kiosk", "ejemplo.mx", other_key)
    assert dkim.verify(raw, dnsfunc=dns_with(other_signer.dns_record())) is False
    assert not other_signer.matches(record)


def test_a_windows_written_pkcs1_key_signs_too(raw_server, dkim_key, tmp_path: Path):
    key, record = dkim_key
    pkcs1 = subprocess.run(
        ["openssl", "rsa", "-in", str(key), "-traditional"], check=True, capture_output=True
    ).stdout
    assert pkcs1.startswith(b"-----BEGIN RSA PRIVATE KEY-----")
    windows = tmp_path / "dkim-windows.pem"
    windows.write_bytes(pkcs1.replace(b"\n", b"\r\n"))

    mailer(raw_server.port, dkim=DkimSigner("kiosk", "ejemplo.mx", windows)).send(EMAIL)

    assert dkim.verify(raw_server.raw[0], dnsfunc=dns_with(record)) is True


def test_a_key_that_cannot_be_used_stops_start_up_naming_the_key(tmp_path: Path, monkeypatch):
    broken = tmp_path / "broken.pem"
    secret_looking = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"
    broken.write_text(f"-----BEGIN PRIVATE KEY-----\n{secret_looking}\n-----END PRIVATE KEY-----\n")
    monkeypatch.setenv("KIOSK_SMTP__HOST", "127.0.0.1")
    monkeypatch.setenv("KIOSK_SMTP__SENDER", "facturacion@ejemplo.mx")
    monkeypatch.setenv("KIOSK_SMTP__DKIM_SELECTOR", "kiosk")
    monkeypatch.setenv("KIOSK_SMTP__DKIM_KEY_FILE", str(broken))

    with pytest.raises(ExternalRejected) as raised:
        smtp_mailer(load_settings(None).smtp)
    assert str(broken) in str(raised.value) and "smtp.dkim_key_file" in str(raised.value)
    assert secret_looking not in str(raised.value)

    monkeypatch.setenv("KIOSK_SMTP__DKIM_KEY_FILE", str(tmp_path / "missing.pem"))
    with pytest.raises(SettingsError, match=r"smtp\.dkim_key_file: cannot be read"):
        load_settings(None)
    (tmp_path / "notes.txt").write_text("not a key")
    monkeypatch.setenv("KIOSK_SMTP__DKIM_KEY_FILE", str(tmp_path / "notes.txt"))
    with pytest.raises(SettingsError, match=r"smtp\.dkim_key_file: is not a PEM private key"):
        load_settings(None)
    monkeypatch.delenv("KIOSK_SMTP__DKIM_KEY_FILE")
    with pytest.raises(SettingsError, match=r"smtp\.dkim_key_file: must name the DKIM private"):
        load_settings(None)
    monkeypatch.setenv("KIOSK_SMTP__LIST_UNSUBSCRIBE", "baja en ejemplo.mx")
    monkeypatch.delenv("KIOSK_SMTP__DKIM_SELECTOR")
    with pytest.raises(
        SettingsError, match=r"smtp\.list_unsubscribe: 'baja en ejemplo\.mx' is not"
    ):
        load_settings(None)
