"""E-mail addresses: what a clerk may type, and how it is kept."""

from __future__ import annotations

import pytest

from kiosk.domain.email_address import masked_email, normalize_email
from kiosk.domain.errors import InvalidValue


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("  Pagos@Empresa.COM.MX ", "Pagos@empresa.com.mx"),
        ("juan.perez+facturas@correo.mx", "juan.perez+facturas@correo.mx"),
        ("ventas@méxico.mx", "ventas@méxico.mx"),
        ("a@b.co.", "a@b.co"),
    ],
)
def test_valid_addresses_are_normalised(typed, kept):
    assert normalize_email(typed) == kept


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("", "empty"),
        ("pagos.empresa.mx", "exactly one @"),
        ("a@b@c.mx", "exactly one @"),
        (".a@b.mx", "part before @"),
        ("a..b@c.mx", "part before @"),
        ("ana@localhost", "needs a name and an ending"),
        ("ana@-empresa.mx", "invalid domain"),
        ("ana@empresa.m", "ending"),
        ("ana@empresa.123", "ending"),
        ("ana@emp resa.mx", "invalid domain"),
        ("x" * 65 + "@b.mx", "part before @"),
    ],
)
def test_invalid_addresses_are_explained(typed, problem):
    with pytest.raises(InvalidValue, match=problem):
        normalize_email(typed)


@pytest.mark.parametrize(
    ("address", "shown"),
    [
        ("juana.perez@example.com", "j***@example.com"),
        ("a@b.mx", "a***@b.mx"),
        ("not-an-address", "***"),
    ],
)
def test_masked_email_shows_only_the_first_letter_and_the_domain(address: str, shown: str) -> None:
    assert masked_email(address) == shown
