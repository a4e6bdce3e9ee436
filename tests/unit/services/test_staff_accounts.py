"""Staff accounts: scrypt hashes, roles, wrong PINs, and the lockout."""

from __future__ import annotations

from datetime import datetime

import pytest

from kiosk.domain.errors import InvalidValue
from kiosk.domain.staff import Role, StaffAccount
from kiosk.services.pin_hashing import pin_matches
from kiosk.services.staff_accounts import AccountLocked, LoginFailed, StaffAccounts
from tests.fakes.mutable_clock import MutableClock


class _MemoryStaffStore:
    def __init__(self) -> None:
        self.rows: dict[str, StaffAccount] = {}

    def staff_account(self, name: str) -> StaffAccount | None:
        return self.rows.get(name)

    def save_staff_account(self, account: StaffAccount) -> None:
        self.rows[account.name] = account

    def staff_accounts(self) -> list[StaffAccount]:
        return sorted(self.rows.values(), key=lambda a: a.name)


@pytest.fixture
def clock() -> MutableClock:
    return MutableClock(datetime(2026, 3, 1, 9, 0))


@pytest.fixture
def staff(clock: MutableClock) -> StaffAccounts:
    accounts = StaffAccounts(_MemoryStaffStore(), clock)
    accounts.add("Maria", Role.CLERK, "4821")
    return accounts


def test_the_pin_is_kept_only_as_a_salted_scrypt_hash(staff: StaffAccounts) -> None:
    [maria] = staff.accounts()
    assert maria.name == "maria" and "4821" not in maria.pin_hash
    assert maria.pin_hash.startswith("scrypt$16384$8$1$")
    assert pin_matches("4821", maria.pin_hash) and not pin_matches("4822", maria.pin_hash)
    staff.add("luis", Role.ADMIN, "4821")
    assert staff.accounts()[0].pin_hash != maria.pin_hash  # a salt of its own


def test_login_returns_the_role(staff: StaffAccounts) -> None:
    session = staff.login(" MARIA ", "4821")
    assert (session.name, session.role) == ("maria", Role.CLERK)
    assert not session.role.may_resolve_parked_changes


def test_unknown_user_and_wrong_pin_fail_alike(staff: StaffAccounts) -> None:
    for name, pin in (("nobody", "4821"), ("maria", "0000")):
        with pytest.raises(LoginFailed, match="wrong user or PIN"):
            staff.login(name, pin)


def test_five_wrong_pins_lock_the_account_for_fifteen_minutes(
    staff: StaffAccounts, clock: MutableClock
) -> None:
    for _ in range(4):
        with pytest.raises(LoginFailed):
            staff.login("maria", "0000")
    with pytest.raises(AccountLocked):
        staff.login("maria", "0000")
    with pytest.raises(AccountLocked, match="15 min"):
        staff.login("maria", "4821")  # even the right PIN waits

    clock.advance(minutes=15)
    assert staff.login("maria", "4821").name == "maria"


def test_a_new_pin_unlocks(staff: StaffAccounts) -> None:
    for _ in range(5):
        with pytest.raises((LoginFailed, AccountLocked)):
            staff.login("maria", "0000")
    staff.change_pin("maria", "7310")
    assert staff.login("maria", "7310").role is Role.CLERK


@pytest.mark.parametrize(
    ("name", "pin", "message"),
    [("m", "4821", "not a valid user name"), ("ana", "12a4", "at least 4 digits")],
)
def test_bad_names_and_pins_are_named(
    staff: StaffAccounts, name: str, pin: str, message: str
) -> None:
    with pytest.raises(InvalidValue, match=message):
        staff.add(name, Role.CLERK, pin)


def test_adding_the_same_name_twice_is_refused(staff: StaffAccounts) -> None:
    with pytest.raises(InvalidValue, match="already exists"):
        staff.add("maria", Role.ADMIN, "9999")
