"""`kiosk customers enrolments` and `confirm-enrolment TOKEN`: the store's confirmation page
confirms a request by the link mailed from the kiosk, once; errors are one line."""

from __future__ import annotations

import json
import re
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest

from kiosk.app.cli import main
from kiosk.app.settings import load_settings
from kiosk.app.wiring import build_services
from kiosk.domain.billing_preference import BillingChannel
from tests.builders import make_customer

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def mailed_link(monkeypatch, mail_server) -> str:
    """A request made at the kiosk; the token of the link in the e-mail that arrived."""
    monkeypatch.setenv("KIOSK_SMTP__HOST", "127.0.0.1")
    monkeypatch.setenv("KIOSK_SMTP__PORT", str(mail_server.port))
    monkeypatch.setenv("KIOSK_SMTP__SECURITY", "none")
    monkeypatch.setenv("KIOSK_SMTP__SENDER", "facturacion@ejemplo.mx")
    monkeypatch.setenv("KIOSK_EBILLING__CONFIRMATION_URL", "https://ejemplo.mx/alta/{token}")
    services = build_services(load_settings(None))
    services.storage.invoices.upsert_customers([make_customer("C001")])
    services.enrolment.request_code(
        "C001", BillingChannel.BOTH, "ana@correo.mx", language="en", consent_given=True
    )
    services.close()
    (raw,) = mail_server.received
    message = message_from_bytes(raw.as_bytes(), policy=policy.default)
    assert isinstance(message, EmailMessage)
    body = message.get_body(("plain",))
    assert body is not None
    found = re.search(r"https://ejemplo\.mx/alta/(\S+)", body.get_content())
    assert found is not None
    return found.group(1)


def test_the_link_confirms_once_and_the_list_shows_it(mailed_link, capsys):
    assert main(["customers", "enrolments", "--json"]) == 0
    (pending,) = json.loads(capsys.readouterr().out)
    assert (pending["customer"], pending["state"]) == ("C001", "pending")
    assert "code" not in json.dumps(pending).replace("wrong_codes", "")

    assert main(["customers", "confirm-enrolment", mailed_link]) == 0
    out = capsys.readouterr().out
    assert out == ("C001: invoices by e-mail (BOTH) to ana@correo.mx confirmed (notice 2026-12)\n")

    assert main(["customers", "confirm-enrolment", mailed_link]) == 1
    err = capsys.readouterr().err
    assert "was used already" in err and err.count("\n") == 1
    assert main(["customers", "enrolments"]) == 0
    listed = capsys.readouterr().out
    assert "ana@correo.mx" in listed and "confirmed" in listed and "2026-12" in listed
    assert main(["customers", "show", "C001", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["preference"]["channel"] == "BOTH"


def test_an_unknown_token_is_one_clear_line(mailed_link, capsys):
    assert main(["customers", "confirm-enrolment", "not-the-token"]) == 1
    err = capsys.readouterr().err
    assert err == "kiosk: no enrolment request has this link\n"
