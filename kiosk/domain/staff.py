"""Staff at the counter: who they are and what their role lets them do."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import datetime

from kiosk.domain.errors import InvalidValue

_NAME = re.compile(r"^[a-z][a-z0-9._-]{1,29}$")
PIN_MIN_LENGTH = 4


class Role(enum.Enum):
    CLERK = "clerk"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"

    @property
    def may_resolve_parked_changes(self) -> bool:
        """Retrying or discarding a change SAP refused is a supervisor's decision."""
        return self is not Role.CLERK


@dataclass(frozen=True, slots=True)
class StaffAccount:
    """A local account: the PIN only as a salted slow hash, and the lockout state."""

    name: str
    role: Role
    pin_hash: str
    failed_logins: int = 0
    locked_until: datetime | None = None


@dataclass(frozen=True, slots=True)
class StaffSession:
    """Someone logged in to staff mode."""

    name: str
    role: Role


def staff_name(text: str) -> str:
    """A login name: lower case letters, digits, dot, dash or underscore; 2 to 30 long."""
    name = text.strip().lower()
    if not _NAME.match(name):
        raise InvalidValue(
            f"{text!r} is not a valid user name: use 2 to 30 lower case letters, digits, . _ -"
            " starting with a letter"
        )
    return name


def check_pin(pin: str) -> str:
    if not pin.isdigit() or len(pin) < PIN_MIN_LENGTH:
        raise InvalidValue(f"a PIN is at least {PIN_MIN_LENGTH} digits")
    return pin
