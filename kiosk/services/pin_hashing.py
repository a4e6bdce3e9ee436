"""Salted, deliberately slow PIN hashes (standard library scrypt), checked in constant time."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

# n=2**14, r=8: about 16 MiB and tens of milliseconds per check, so guessing offline is slow too.
N, R, P = 2**14, 8, 1


def hash_pin(pin: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=N, r=R, p=P, dklen=32)
    return f"scrypt${N}${R}${P}${_b64(salt)}${_b64(digest)}"


def pin_matches(pin: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    expected = base64.b64decode(digest)
    actual = hashlib.scrypt(
        pin.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
        dklen=len(expected),
    )  # fmt: skip
    return hmac.compare_digest(actual, expected)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
