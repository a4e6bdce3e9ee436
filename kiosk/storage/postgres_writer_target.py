"""The cache writer process's target on PostgreSQL, and how a batch runs there: COPY streams
its rows, other statements run once, or once per row."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kiosk.storage.writer_process import Failure, FailureKind, Rows, Statement

if TYPE_CHECKING:
    import psycopg
    from sqlalchemy import Engine

ONCE: Rows = [()]
"""The rows of a statement that runs once, without parameters."""


@dataclass(frozen=True)
class PostgresServer:
    """A PostgreSQL database, reached with the arguments the kiosk's engine connects with."""

    connect_args: tuple[Any, ...]
    connect_kwargs: dict[str, Any]

    @classmethod
    def of(cls, engine: Engine) -> PostgresServer:
        """The server `engine` connects to; SQLAlchemy's own type adapters stay behind (the
        helper runs plain SQL and COPY)."""
        arguments, keywords = engine.dialect.create_connect_args(engine.url)
        keywords = {name: value for name, value in keywords.items() if name != "context"}
        return cls(tuple(arguments), keywords)

    def open(self) -> _OpenPostgres | Failure:
        import psycopg

        try:
            connection = psycopg.connect(*self.connect_args, **self.connect_kwargs)
        except psycopg.Error as error:
            return _failure(error)
        return _OpenPostgres(connection)


class _OpenPostgres:
    def __init__(self, connection: psycopg.Connection[Any]) -> None:
        self._connection = connection

    def commit(self, batch: list[Statement]) -> Failure | None:
        import psycopg

        try:
            with self._connection.transaction():
                run_batch(self._connection, batch)
        except psycopg.Error as error:
            return _failure(error)
        return None

    def close(self) -> None:
        self._connection.close()


def run_batch(connection: psycopg.Connection[Any], batch: list[Statement]) -> None:
    """Run a batch's statements inside the caller's transaction; bulk loads need not wait for
    the server's disk (see invoice_page_writer.py)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        for sql, rows in batch:
            if not rows:
                continue
            if sql.startswith("COPY "):
                with cursor.copy(sql) as copy:
                    for row in rows:
                        copy.write_row(row)
            elif len(rows) == 1 and rows[0] == ():
                cursor.execute(sql)
            else:
                cursor.executemany(sql, rows)


def _failure(error: Exception) -> Failure:
    import psycopg

    kind: FailureKind = "unavailable" if isinstance(error, psycopg.OperationalError) else "refused"
    code = getattr(error, "sqlstate", None) or ""
    return Failure(code, str(error).splitlines()[0] if str(error) else repr(error), kind)
