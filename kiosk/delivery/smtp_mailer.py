"""Sending e-mail over SMTP (plain, STARTTLS or SSL): accepted, refused for good, or try later."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate, make_msgid, parseaddr
from pathlib import Path

from kiosk.delivery.dkim_signer import DkimSigner
from kiosk.delivery.tls_context import tls_context
from kiosk.domain.delivery import OutgoingEmail
from kiosk.services.errors import ExternalRejected, ExternalUnavailable


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    security: str  # "none", "starttls" or "ssl"
    username: str
    password: str
    sender: str
    reply_to: str
    timeout_seconds: float
    verify: bool | Path = True
    # Where a customer asks to stop receiving mail: mailto: and https: URIs (unsubscribe_uris).
    list_unsubscribe: tuple[str, ...] = ()


class SmtpMailer:
    """One connection per message: simple, and nothing to go stale between sends."""

    def __init__(self, config: SmtpConfig, dkim: DkimSigner | None = None) -> None:
        if not config.host:
            raise ExternalRejected("no mail server configured (smtp.host is empty)", code="config")
        self._config = config
        self._dkim = dkim
        # Loading the system's CA store takes tens of milliseconds: once, not per message.
        self._tls = tls_context(config.verify) if config.security != "none" else None

    def send(self, email: OutgoingEmail) -> str:
        message = self._message(email)
        raw = self.wire_format(message)
        where = f"{self._config.host}:{self._config.port}"
        with self._session(f"the mail server {where} refused {email.to}") as smtp:
            refused = smtp.sendmail(_address(self._config.sender), [email.to], raw)
        if refused:
            code, text = next(iter(refused.values()))
            raise _by_code(code, text, f"the mail server {where} refused {email.to}")
        return str(message["Message-ID"])

    def check(self) -> str:
        """Connect, greet, secure and log in without sending anything; return the greeting."""
        with self._session("the mail server") as smtp:
            code, banner = smtp.ehlo()
        return f"{code} {_text(banner).splitlines()[0]}"

    @contextmanager
    def _session(self, refusal: str) -> Iterator[smtplib.SMTP]:
        """A logged-in connection, with every SMTP, TLS and network failure turned into ours."""
        config = self._config
        where = f"{config.host}:{config.port}"
        try:
            with self._connect() as smtp:
                if config.username:
                    smtp.login(config.username, config.password)
                yield smtp
        except smtplib.SMTPRecipientsRefused as error:
            code, text = next(iter(error.recipients.values()))
            raise _by_code(code, text, refusal) from None
        except smtplib.SMTPAuthenticationError as error:
            raise ExternalRejected(
                f"the mail server {where} refused the login of {config.username} "
                f"({error.smtp_code} {_text(error.smtp_error)})",
                code=str(error.smtp_code),
            ) from None
        except smtplib.SMTPResponseException as error:
            raise _by_code(error.smtp_code, error.smtp_error, f"the mail server {where}") from None
        except ssl.SSLError as error:
            raise ExternalRejected(
                f"the TLS certificate of the mail server {where} could not be verified "
                f"({error.reason or error}); set smtp.verify to its CA bundle",
                code="tls",
            ) from None
        except (OSError, smtplib.SMTPException) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
            raise ExternalUnavailable(
                f"the mail server {where} cannot be reached ({reason or type(error).__name__})"
            ) from None

    def _connect(self) -> smtplib.SMTP:
        config = self._config
        if config.security == "ssl":
            return smtplib.SMTP_SSL(
                config.host, config.port, timeout=config.timeout_seconds, context=self._tls
            )
        smtp = smtplib.SMTP(config.host, config.port, timeout=config.timeout_seconds)
        if config.security == "starttls":
            smtp.starttls(context=self._tls)
        return smtp

    def wire_format(self, message: EmailMessage) -> bytes:
        """The bytes that go to the server: CRLF lines, DKIM-signed where a key is set."""
        raw = message.as_bytes(policy=SMTP)
        return self._dkim.sign(raw) if self._dkim is not None else raw

    def _message(self, email: OutgoingEmail) -> EmailMessage:
        config = self._config
        message = EmailMessage()
        message["From"] = config.sender
        message["To"] = email.to
        if config.reply_to:
            message["Reply-To"] = config.reply_to
        message["Subject"] = email.subject
        message["Date"] = formatdate(localtime=True)
        domain = sender_domain(config.sender) or None
        if email.message_key:
            message["Message-ID"] = f"<{email.message_key}@{domain or 'localhost'}>"
        else:
            message["Message-ID"] = make_msgid(domain=domain)
        if config.list_unsubscribe:
            message["List-Unsubscribe"] = ", ".join(f"<{uri}>" for uri in config.list_unsubscribe)
            # RFC 8058: one-click unsubscribe is a POST to an https URI; a mailto: has none.
            if any(uri.startswith("https://") for uri in config.list_unsubscribe):
                message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        # Quoted-printable keeps every line short and 7-bit, so no relay re-encodes the body
        # on its way and breaks the DKIM body hash.
        message.set_content(email.text, cte="quoted-printable")
        message.add_alternative(email.html, subtype="html", cte="quoted-printable")
        if email.attachment is not None:
            message.add_attachment(
                email.attachment,
                maintype="application",
                subtype="pdf",
                filename=email.attachment_name,
            )
        for extra in email.also_attached:
            maintype, _, subtype = extra.media_type.partition("/")
            message.add_attachment(
                extra.content, maintype=maintype, subtype=subtype, filename=extra.name
            )
        for part in message.walk():
            if part is not message:
                del part["MIME-Version"]  # the library adds it to every part; it belongs on top
        return message


def unsubscribe_uris(where: str) -> tuple[str, ...]:
    """The List-Unsubscribe targets from `smtp.list_unsubscribe`: comma-separated e-mail
    addresses (asked with the subject "baja"), mailto: URIs and https: URLs."""
    uris = []
    for item in (part.strip() for part in where.split(",")):
        if not item:
            continue
        if item.startswith(("mailto:", "https://")):
            uris.append(item)
        elif "@" in _address(item):
            uris.append(f"mailto:{_address(item)}?subject=baja")
        else:
            raise ValueError(f"{item!r} is neither an e-mail address nor a mailto: or https: URI")
    return tuple(uris)


def sender_domain(sender: str) -> str:
    """The domain of the sender's address ("" without one): Message-IDs, DKIM and DNS use it."""
    return _address(sender).rpartition("@")[2].strip().lower()


def _address(sender: str) -> str:
    """The bare address of "Name <address>" or of an address alone."""
    return parseaddr(sender)[1] or sender


def _text(raw: bytes | str) -> str:
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw


def _by_code(code: int, raw: bytes | str, what: str) -> Exception:
    """5xx is a refusal for good; 4xx asks to try again later."""
    text = f"{what}: {code} {_text(raw)}"
    if 500 <= code < 600:
        return ExternalRejected(text, code=str(code), detail=_text(raw))
    return ExternalUnavailable(text, code=str(code))
