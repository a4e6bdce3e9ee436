"""Local staff accounts: adding them, changing PINs, logging in with a lockout after failures."""

from __future__ import annotations

import dataclasses
import math
from datetime import timedelta
from typing import Protocol

from kiosk.domain.errors import DomainError, InvalidValue, NotFound
from kiosk.domain.staff import Role, StaffAccount, StaffSession, check_pin, staff_name
from kiosk.services.pin_hashing import hash_pin, pin_matches
from kiosk.services.ports.clock import Clock

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)


class LoginFailed(DomainError):
    """Wrong user or PIN (said without telling which)."""


class AccountLocked(DomainError):
    """Too many wrong PINs; the account waits before the next try."""

    def __init__(self, minutes_left: int) -> None:
        super().__init__(f"too many wrong PINs; try again in {minutes_left} min")
        self.minutes_left = minutes_left


class NotAllowed(DomainError):
    """The logged-in role may not do this."""


def require_supervisor(session: StaffSession) -> None:
    """Parked changes are retried or discarded by a supervisor or an admin, never a clerk."""
    if not session.role.may_resolve_parked_changes:
        raise NotAllowed(f"{session.name} is a {session.role.value}: ask a supervisor")


class StaffStore(Protocol):
    def staff_account(self, name: str) -> StaffAccount | None: ...

    def save_staff_account(self, account: StaffAccount) -> None: ...

    def staff_accounts(self) -> list[StaffAccount]: ...


class StaffAccounts:
    def __init__(self, store: StaffStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def add(self, name: str, role: Role, pin: str) -> StaffAccount:
        name = staff_name(name)
        if self._store.staff_account(name) is not None:
            raise InvalidValue(f"user {name!r} already exists; use `kiosk users passwd {name}`")
        account = StaffAccount(name, role, hash_pin(check_pin(pin)))
        self._store.save_staff_account(account)
        return account

    def change_pin(self, name: str, pin: str) -> None:
        """Set a new PIN; this also unlocks the account."""
        account = self._account(name)
        new = dataclasses.replace(
            account, pin_hash=hash_pin(check_pin(pin)), failed_logins=0, locked_until=None
        )
        self._store.save_staff_account(new)

    def accounts(self) -> list[StaffAccount]:
        return self._store.staff_accounts()

    def login(self, name: str, pin: str) -> StaffSession:
        now = self._clock.now()
        account = self._store.staff_account(name.strip().lower())
        if account is None:
            raise LoginFailed("wrong user or PIN")
        if account.locked_until is not None and now < account.locked_until:
            minutes = math.ceil((account.locked_until - now).total_seconds() / 60)
            raise AccountLocked(minutes)
        if not pin_matches(pin, account.pin_hash):
            failures = account.failed_logins + 1
            locked = now + LOCKOUT if failures >= MAX_FAILED_LOGINS else None
            self._store.save_staff_account(
                dataclasses.replace(
                    account,
                    failed_logins=0 if locked else failures,
                    locked_until=locked,
                )
            )
            if locked:
                raise AccountLocked(int(LOCKOUT.total_seconds() // 60))
            raise LoginFailed("wrong user or PIN")
        if account.failed_logins or account.locked_until:
            self._store.save_staff_account(
                dataclasses.replace(account, failed_logins=0, locked_until=None)
            )
        return StaffSession(account.name, account.role)

    def _account(self, name: str) -> StaffAccount:
        account = self._store.staff_account(staff_name(name))
        if account is None:
            raise NotFound(f"no user {name!r}; add one with `kiosk users add`")
        return account
