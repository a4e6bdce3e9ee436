"""Counts kept beside the rows they count, added to in the writer's own transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Table, text


def add_to_counts(
    connection: Connection,
    table: Table,
    keys: Sequence[str],
    counts: Sequence[str],
    rows: Sequence[Mapping[str, Any]],
) -> None:
    """Add each row's `counts` to the stored ones, a missing row starting from zero; its other
    values (those that follow from the keys) are written only with a new row.

    INSERT ... ON CONFLICT DO UPDATE, the same statement on SQLite and PostgreSQL.
    """
    if not rows:
        return
    quote = connection.dialect.identifier_preparer.quote
    name = quote(table.name)
    columns = list(rows[0])
    added = ", ".join(
        f"{quote(column)} = {name}.{quote(column)} + excluded.{quote(column)}" for column in counts
    )
    statement = text(
        f"INSERT INTO {name} ({', '.join(map(quote, columns))}) "
        f"VALUES ({', '.join(f':{column}' for column in columns)}) "
        f"ON CONFLICT ({', '.join(map(quote, keys))}) DO UPDATE SET {added}"
    )
    connection.execute(statement, list(rows))
