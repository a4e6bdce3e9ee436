"""Real delivery parts on this machine: a CUPS queue printing to PDF, SMTP on loopback."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword

QUEUE = "KioskTestPDF"
CUPS_PDF_DRIVER = Path("/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd")


def _no_spooler(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI needs a CUPS spooler with cups-pdf ({reason}); .ci/run installs it")
    pytest.skip(f"no CUPS spooler here: {reason}")


@pytest.fixture(scope="session")
def cups_queue() -> str:
    """A CUPS queue whose jobs come out as PDF files (cups-pdf); started here if need be."""
    if shutil.which("lpadmin") is None or not CUPS_PDF_DRIVER.exists():
        _no_spooler("install cups, cups-bsd and printer-driver-cups-pdf")
    status = subprocess.run(["lpstat", "-r"], capture_output=True, text=True, check=False)
    if "is running" not in status.stdout:
        if os.geteuid() != 0:
            _no_spooler("the CUPS scheduler is not running")
        subprocess.run(["cupsd"], check=False)
        time.sleep(1)
    created = subprocess.run(
        ["lpadmin", "-p", QUEUE, "-E", "-v", "cups-pdf:/", "-P", str(CUPS_PDF_DRIVER)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if created.returncode != 0:
        _no_spooler(created.stderr.strip())
    subprocess.run(["cupsenable", QUEUE], check=False)
    subprocess.run(["cupsaccept", QUEUE], check=False)
    return QUEUE


def printed_pdf(job_id: str, timeout: float = 30) -> Path:
    """The PDF cups-pdf wrote for a job (it names files after the job number)."""
    number = job_id.rsplit("-", 1)[-1]
    folders = [Path.home() / "PDF", *Path("/var/spool/cups-pdf").glob("*")]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for folder in folders:
            for candidate in folder.glob(f"*job_{number}.pdf"):
                if candidate.stat().st_size > 0:
                    time.sleep(0.2)  # let cups-pdf finish writing
                    return candidate
        time.sleep(0.2)
    pytest.fail(f"cups-pdf produced no file for job {job_id}")


@dataclass
class MailServer:
    """An SMTP server on loopback that keeps what it accepts, with refusals on demand."""

    port: int
    received: list[Message] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)  # address -> "550 ..." or "451 ..."

    async def handle_RCPT(self, server, session, envelope: Envelope, address, options):  # noqa: N802
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope: Envelope):  # noqa: N802
        self.received.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


def _authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        b"kiosk",
        b"s3cret",
    )
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def mail_server(unused_tcp_port: int) -> Iterator[MailServer]:
    server = MailServer(unused_tcp_port)
    controller = Controller(server, hostname="127.0.0.1", port=unused_tcp_port)
    controller.start()
    yield server
    controller.stop()


@pytest.fixture
def tls_mail_server(unused_tcp_port: int, tmp_path: Path) -> Iterator[tuple[MailServer, Path]]:
    """STARTTLS with a self-signed certificate, and a login required after TLS."""
    import ssl

    cert, key = tmp_path / "smtp.pem", tmp_path / "smtp.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
         "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(cert), str(key))
    server = MailServer(unused_tcp_port)
    controller = Controller(
        server, hostname="127.0.0.1", port=unused_tcp_port, tls_context=context,
        require_starttls=True, authenticator=_authenticator, auth_require_tls=True,
    )  # fmt: skip
    controller.start()
    yield server, cert
    controller.stop()


@pytest.fixture
def unused_tcp_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
