"""Set-based upserts that hand ready rows straight to the driver's executemany."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Engine, Table

Row = tuple[Any, ...]


class BulkUpsert:
    """INSERT ... ON CONFLICT for one table, fed with tuples in the table's column order.

    SQLAlchemy's per-row parameter processing costs several times the database's own work on
    bulk loads, so rows arrive already converted (see mapping.py) and skip it. The statement
    is the same on SQLite and PostgreSQL but for the placeholder.
    """

    def __init__(
        self, engine: Engine, table: Table, keys: Sequence[str], *, update: bool = True
    ) -> None:
        """`update` False makes it an insert of new keys only (ON CONFLICT DO NOTHING)."""
        quote = engine.dialect.identifier_preparer.quote
        columns = [column.name for column in table.c]
        placeholder = "?" if engine.dialect.paramstyle == "qmark" else "%s"
        self.placeholder = placeholder
        updates = ", ".join(
            f"{quote(name)} = excluded.{quote(name)}" for name in columns if name not in keys
        )
        on_conflict = f"DO UPDATE SET {updates}" if updates and update else "DO NOTHING"
        self.width = len(columns)
        self.table = quote(table.name)
        self.columns = ", ".join(map(quote, columns))
        self._on_conflict = f"ON CONFLICT ({', '.join(map(quote, keys))}) {on_conflict}"
        self.sql = (
            f"INSERT INTO {self.table} ({self.columns}) "
            f"VALUES ({', '.join([placeholder] * len(columns))}) {self._on_conflict}"
        )

    def merge_from(self, staging: str) -> str:
        """The same upsert of every row already in the table `staging` (same columns)."""
        return (
            f"INSERT INTO {self.table} ({self.columns}) "
            f"SELECT {self.columns} FROM {staging} {self._on_conflict}"
        )

    def execute(self, connection: Connection, rows: list[Row]) -> int:
        """Write every row in one executemany; how many were written (0 for an empty list)."""
        if not rows:
            return 0
        if len(rows[0]) != self.width:
            raise ValueError(f"bulk row has {len(rows[0])} values, the table {self.width}")
        return connection.exec_driver_sql(self.sql, rows).rowcount
