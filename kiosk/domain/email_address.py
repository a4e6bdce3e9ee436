"""E-mail addresses as a clerk types them: checked for form and normalised before they are kept."""

from __future__ import annotations

import re

from kiosk.domain.errors import InvalidValue

_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_TOP_LEVEL = re.compile(r"^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$")


class InvalidEmailAddress(InvalidValue):
    """The text is not an e-mail address we could deliver to."""

    def __init__(self, message: str, address: str) -> None:
        super().__init__(message)
        self.address = address


def normalize_email(text: str) -> str:
    """Return the address with spaces trimmed and the domain in lower case, or explain the problem.

    Accented domains (correo.méxico.mx) are accepted and kept as typed; the local part keeps its
    case, as mail servers may tell it apart.
    """
    address = text.strip()
    if not address:
        raise InvalidEmailAddress("the e-mail address is empty", address)
    if address.count("@") != 1:
        raise InvalidEmailAddress(
            f"{address!r} is not an e-mail address: it needs exactly one @", address
        )
    local, domain = address.split("@")
    if not local or len(local) > 64 or not _LOCAL.match(local):
        raise InvalidEmailAddress(
            f"{address!r} is not an e-mail address: the part before @ is not valid", address
        )
    domain = domain.lower().rstrip(".")
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise InvalidEmailAddress(
            f"{address!r} has an invalid domain {domain!r}", address
        ) from None
    labels = ascii_domain.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        raise InvalidEmailAddress(
            f"{address!r} has an invalid domain {domain!r}: it needs a name and an ending, "
            "such as empresa.com.mx",
            address,
        )
    if not _TOP_LEVEL.match(labels[-1]):
        raise InvalidEmailAddress(
            f"{address!r} has an invalid domain ending {labels[-1]!r}", address
        )
    normalized = f"{local}@{domain}"
    if len(normalized) > 254:
        raise InvalidEmailAddress("the e-mail address is longer than 254 characters", address)
    return normalized


def masked_email(address: str) -> str:
    """The address as a customer may see it on a shared screen: j***@example.com."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"
