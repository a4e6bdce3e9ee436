"""DKIM signatures (RFC 6376) on outgoing mail with the store's RSA key, through dkimpy."""

from __future__ import annotations

import base64
from pathlib import Path

from kiosk.services.errors import ExternalRejected

# dkimpy is imported where it is used: with it comes dnspython, some 60 modules the kiosk's
# start-up would load for stores that do not sign their mail (README, Benchmarks).

# What a receiver must see unchanged for the message to be ours; List-Unsubscribe-Post too,
# since RFC 8058 only honours a one-click unsubscribe that the signature covers.
SIGNED_HEADERS = (
    "From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type", "Reply-To",
    "List-Unsubscribe", "List-Unsubscribe-Post",
)  # fmt: skip


class DkimSigner:
    """Signs each message relaxed/relaxed with RSA-SHA256 as `selector._domainkey.domain`."""

    def __init__(self, selector: str, domain: str, key_file: Path) -> None:
        self.selector = selector
        self.domain = domain.lower()
        self.key_file = key_file
        self._pem = _read_key(key_file)
        self._public = _public_half(self._pem, key_file)

    def __repr__(self) -> str:  # never the key itself
        return f"DkimSigner({self.record_name!r}, key_file={str(self.key_file)!r})"

    @property
    def record_name(self) -> str:
        """Where receivers look up the public key."""
        return f"{self.selector}._domainkey.{self.domain}"

    def sign(self, message: bytes) -> bytes:
        """The message with its DKIM-Signature header in front."""
        import dkim

        present = {line.split(b":", 1)[0].strip().lower() for line in _header_lines(message)}
        headers = [name.encode() for name in SIGNED_HEADERS if name.lower().encode() in present]
        try:
            signature = dkim.sign(
                message,
                self.selector.encode("ascii"),
                self.domain.encode("idna"),
                self._pem,
                canonicalize=(b"relaxed", b"relaxed"),
                include_headers=headers,
                linesep=b"\r\n",
            )
        except dkim.DKIMException as error:
            raise ExternalRejected(
                f"the message could not be DKIM-signed with {self.key_file}: {error}", code="dkim"
            ) from None
        return bytes(signature) + message

    def dns_record(self) -> str:
        """The TXT record to publish at `record_name` for this key."""
        return f"v=DKIM1; k=rsa; p={base64.b64encode(_spki(*self._public)).decode('ascii')}"

    def matches(self, record: str) -> bool:
        """Whether a published TXT record holds the public half of this key."""
        from dkim.crypto import UnparsableKeyError, parse_public_key
        from dkim.util import InvalidTagValueList, parse_tag_value

        try:
            tags = parse_tag_value(record.encode("utf-8"))
            published = parse_public_key(base64.b64decode(tags.get(b"p", b""), validate=False))
        except (InvalidTagValueList, UnparsableKeyError, ValueError):
            return False
        return (published["modulus"], published["publicExponent"]) == self._public


def _read_key(key_file: Path) -> bytes:
    try:
        # dkimpy finds the key between "--" and "--" lines with \n only; Windows writes \r\n.
        return key_file.read_bytes().replace(b"\r\n", b"\n")
    except OSError as error:
        raise ExternalRejected(
            f"the DKIM key smtp.dkim_key_file ({key_file}) cannot be read: "
            f"{error.strerror or type(error).__name__}",
            code="config",
        ) from None


def _public_half(pem: bytes, key_file: Path) -> tuple[int, int]:
    from dkim.crypto import UnparsableKeyError, parse_pem_private_key

    try:
        key = parse_pem_private_key(pem)
    except (UnparsableKeyError, ValueError, IndexError):
        key = None
    if key is None:
        raise ExternalRejected(
            f"the DKIM key smtp.dkim_key_file ({key_file}) is not a PEM RSA private key",
            code="config",
        )
    return int(key["modulus"]), int(key["publicExponent"])


def _header_lines(message: bytes) -> list[bytes]:
    head = message.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0]
    return [line for line in head.split(b"\n") if line and not line[:1].isspace()]


def _spki(modulus: int, exponent: int) -> bytes:
    """The DER SubjectPublicKeyInfo of an RSA public key, as DKIM's p= tag carries it."""
    rsa_encryption = bytes.fromhex("300d06092a864886f70d0101010500")
    public_key = _der(0x30, _der_integer(modulus) + _der_integer(exponent))
    return _der(0x30, rsa_encryption + _der(0x03, b"\x00" + public_key))


def _der_integer(value: int) -> bytes:
    return _der(0x02, value.to_bytes(value.bit_length() // 8 + 1, "big"))


def _der(tag: int, content: bytes) -> bytes:
    size = len(content)
    if size < 0x80:
        return bytes([tag, size]) + content
    length = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(length)]) + length + content
