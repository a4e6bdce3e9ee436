"""TLS to the Service Layer: a self-signed certificate is refused until its CA bundle is given."""

from __future__ import annotations

import logging
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.sap_b1.client import ServiceLayerClient
from kiosk.sap_b1.config import ServiceLayerConfig
from kiosk.sap_emulator.data_store import EmulatorData
from kiosk.sap_emulator.demo_data import seed_demo_company
from kiosk.sap_emulator.server import (
    DEMO_COMPANY,
    DEMO_PASSWORD,
    DEMO_USER,
    ServiceLayerEmulator,
)
from kiosk.services.errors import ExternalRejected


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made with the system's openssl."""
    if shutil.which("openssl") is None:
        pytest.fail("openssl is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "sap.pem", folder / "sap.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=sap.test", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def tls_emulator(certificate: tuple[Path, Path]) -> Iterator[ServiceLayerEmulator]:
    data = EmulatorData()
    seed_demo_company(data, customers=3, invoices=5)
    with ServiceLayerEmulator(data, tls_files=certificate) as running:
        yield running


def client_for(emulator: ServiceLayerEmulator, verify: bool | Path) -> ServiceLayerClient:
    config = ServiceLayerConfig(
        base_url=emulator.service_root("v2"),
        company_db=DEMO_COMPANY,
        username=DEMO_USER,
        password=DEMO_PASSWORD,
        verify=verify,
        retries=0,
    )
    return ServiceLayerClient(config)


def test_verification_is_on_by_default_and_explains_itself(tls_emulator):
    client = client_for(tls_emulator, True)
    try:
        with pytest.raises(ExternalRejected) as raised:
            client.invoice(1)
    finally:
        client.close()

    message = str(raised.value)
    assert message.startswith(f"the TLS certificate of {tls_emulator.service_root('v2')}")
    assert "certificate verify failed: self-signed certificate" in message
    assert "set sap.verify to the company's CA bundle file" in message
    assert tls_emulator.sessions.logins_seen == 0


def test_the_company_ca_bundle_is_trusted(tls_emulator, certificate):
    client = client_for(tls_emulator, certificate[0])
    try:
        assert client.invoice(1).value.doc_entry == 1
    finally:
        client.close()


def test_turning_verification_off_works_and_warns(tls_emulator, caplog):
    with caplog.at_level(logging.WARNING, logger="kiosk.sap_b1.session"):
        client = client_for(tls_emulator, False)
    try:
        assert client.invoice(2).value.doc_entry == 2
    finally:
        client.close()

    assert "TLS certificate verification for" in caplog.text and "is OFF" in caplog.text
