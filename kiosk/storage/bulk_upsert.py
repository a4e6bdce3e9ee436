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

    def __init__(self, engine: Engine, table: Table, keys: Sequence[str]) -> None:
        quote = engine.dialect.identifier_preparer.quote
        columns = [column.name for column in table.c]
        placeholder = "?" if engine.dialect.paramstyle == "qmark" else "%s"
        self.placeholder = placeholder
        updates = ", ".join(
            f"{quote(name)} = excluded.{quote(name)}" for name in columns if name not in keys
        )
        on_conflict = f"DO UPDATE SET {updates}" if updates else "DO NOTHING"
        self.width = len(columns)
        self.sql = (
            f"INSERT INTO {quote(table.name)} ({', '.join(map(quote, columns))}) "
            f"VALUES ({', '.join([placeholder] * len(columns))}) "
            f"ON CONFLICT ({', '.join(map(quote, keys))}) {on_conflict}"
        )

    def execute(self, connection: Connection, rows: list[Row]) -> None:
        """Write every row in one executemany; nothing happens for an empty list."""
        if rows:
            if len(rows[0]) != self.width:
                raise ValueError(f"bulk row has {len(rows[0])} values, the table {self.width}")
            connection.exec_driver_sql(self.sql, rows)
