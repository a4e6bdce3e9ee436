"""A helper process that commits batches of SQLite writes while the caller prepares the next.

A first download spends as long in SQLite as in everything else together, all of it holding
the interpreter lock. Handing each page's rows to a second process lets the two halves run on
two cores. The helper imports nothing but the standard library, so it starts in milliseconds,
and it commits each batch in one transaction before it acknowledges it.
"""

from __future__ import annotations

import multiprocessing
import pickle
import sqlite3
from collections.abc import Sequence
from multiprocessing.connection import Connection
from typing import Any

Rows = Sequence[tuple[Any, ...]]
Statement = tuple[str, Rows]
"""SQL with `?` placeholders and the rows it runs for; a statement without rows is skipped."""

_COMMITTED = b""


class WriterProcessFailed(Exception):
    """The helper could not commit a batch: SQLite's result code and message, or -1 if it died."""

    def __init__(self, sqlite_code: int, message: str) -> None:
        super().__init__(message)
        self.sqlite_code = sqlite_code


class SqliteWriterProcess:
    """One helper process writing to one SQLite file; one batch in flight at a time."""

    def __init__(self, path: str, pragmas: Sequence[str]) -> None:
        # A fresh interpreter rather than a fork: the kiosk forks from a thread of a Qt
        # application, and a fork would copy locks other threads hold.
        context = multiprocessing.get_context("spawn")
        self._pipe, child_end = context.Pipe()
        self._process = context.Process(
            target=_serve, args=(child_end, path, list(pragmas)), name="kiosk-cache-writer",
            daemon=True,
        )  # fmt: skip
        self._process.start()
        child_end.close()
        self._in_flight = False

    def submit(self, statements: Sequence[Statement]) -> None:
        """Hand over one transaction; returns once the one before it is committed."""
        self.wait()
        try:
            self._pipe.send_bytes(pickle.dumps(list(statements), pickle.HIGHEST_PROTOCOL))
        except OSError as error:
            raise self._died() from error
        self._in_flight = True

    def wait(self) -> None:
        """Return once everything submitted is committed; raise what stopped it otherwise."""
        if not self._in_flight:
            return
        self._in_flight = False
        try:
            answer = self._pipe.recv_bytes()
        except (EOFError, OSError) as error:
            raise self._died() from error
        if answer != _COMMITTED:
            code, message = pickle.loads(answer)
            raise WriterProcessFailed(code, message)

    def close(self) -> None:
        """Stop the helper; a batch still in flight is finished or rolled back, never halved."""
        try:
            self._pipe.close()
        finally:
            self._process.join(timeout=10)
            if self._process.is_alive():
                self._process.kill()
                self._process.join()

    def _died(self) -> WriterProcessFailed:
        self._process.join(timeout=1)
        return WriterProcessFailed(
            -1, f"the cache writer process stopped (exit code {self._process.exitcode})"
        )


def _serve(pipe: Connection, path: str, pragmas: list[str]) -> None:
    """The helper's loop: run each batch in one transaction, answer, until the pipe closes."""
    database = sqlite3.connect(path, isolation_level=None)
    for pragma in pragmas:
        database.execute(pragma)
    while True:
        try:
            batch: list[Statement] = pickle.loads(pipe.recv_bytes())
        except EOFError:
            break
        try:
            database.execute("BEGIN IMMEDIATE")
            for sql, rows in batch:
                if rows:
                    database.executemany(sql, rows)
            database.execute("COMMIT")
        except sqlite3.Error as error:
            if database.in_transaction:
                database.execute("ROLLBACK")
            answer = pickle.dumps((getattr(error, "sqlite_errorcode", 1), str(error)))
        else:
            answer = _COMMITTED
        try:
            pipe.send_bytes(answer)
        except OSError:
            break  # the caller is gone; what it handed over is committed or rolled back
    database.close()
