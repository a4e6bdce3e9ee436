"""The SQL a piece of work runs on a SQLite cache, and which of it scans a whole table."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, event

# Tables whose size does not grow with the invoices: one row per sync entity, per setting,
# per kiosk or per staff member. A scan of one of them costs the same in any cache.
SMALL_TABLES = frozenset(
    {
        "sync_cursors",
        "sync_leases",
        "lease_grants",
        "payment_reference_marks",
        "staff_accounts",
        "ebilling_incentives",
        "alembic_version",
    }
)
_SCAN = re.compile(r"^SCAN (\w+)")
_PLANNED = ("SELECT", "UPDATE", "DELETE", "INSERT", "WITH")


@dataclass(frozen=True)
class FullScan:
    """A statement whose plan reads every row of a table that grows with the cache."""

    table: str
    plan: str
    statement: str


@contextmanager
def recorded_statements(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """Every statement the engine runs inside the block, with its (first) parameters."""
    statements: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, _c: Any, many: bool):
        statements.append((statement, parameters[0] if many and parameters else parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def full_scans(engine: Engine, statements: list[tuple[str, Any]]) -> list[FullScan]:
    """The statements whose query plan scans a table that grows with the cache."""
    found: dict[tuple[str, str], FullScan] = {}
    with engine.connect() as connection:
        tables = {
            name
            for (name,) in connection.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
            )
        }
        for statement, parameters in statements:
            if not statement.lstrip().upper().startswith(_PLANNED):
                continue
            plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters or ())
            for row in plan:
                match = _SCAN.match(row[3])
                table = match.group(1) if match else None
                if table in tables and table not in SMALL_TABLES:
                    found.setdefault((statement, row[3]), FullScan(table, row[3], statement))
    return list(found.values())
