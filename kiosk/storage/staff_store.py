"""Staff accounts in the staff_accounts table."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Engine, Row, Table, select

from kiosk.domain.staff import Role, StaffAccount
from kiosk.storage.bulk_upsert import BulkUpsert
from kiosk.storage.database import unavailable_on_driver_error
from kiosk.storage.mapping import timestamp
from kiosk.storage.tables import StaffAccountRow

accounts = cast(Table, StaffAccountRow.__table__)


class SqlStaffStore:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._rows = BulkUpsert(engine, accounts, ["name"])

    def staff_account(self, name: str) -> StaffAccount | None:
        with unavailable_on_driver_error(self._engine), self._engine.connect() as connection:
            row = connection.execute(select(accounts).where(accounts.c.name == name)).first()
        return _account(row) if row else None

    def staff_accounts(self) -> list[StaffAccount]:
        with unavailable_on_driver_error(self._engine), self._engine.connect() as connection:
            rows = connection.execute(select(accounts).order_by(accounts.c.name))
            return [_account(row) for row in rows]

    def save_staff_account(self, account: StaffAccount) -> None:
        values = (
            account.name, account.role.value, account.pin_hash, account.failed_logins,
            timestamp(account.locked_until), timestamp(datetime.now()),
        )  # fmt: skip
        with unavailable_on_driver_error(self._engine), self._engine.begin() as connection:
            self._rows.execute(connection, [values])


def _account(row: Row[Any]) -> StaffAccount:
    return StaffAccount(
        name=row.name,
        role=Role(row.role),
        pin_hash=row.pin_hash,
        failed_logins=row.failed_logins,
        locked_until=row.locked_until,
    )
