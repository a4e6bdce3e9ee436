"""A helper process that commits batches of SQLite writes while the caller prepares the next.

SQLite holds the interpreter lock for much of a first download; in a second process it runs on
the other core. The helper imports only the standard library, so it starts fast, and commits
each batch in one transaction before it acknowledges it (figures: README, Benchmarks).
"""

from __future__ import annotations

import contextlib
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
# Batches handed over but not yet acknowledged: one being committed, one waiting behind it, so
# a slow commit (a checkpoint) does not stall the caller.
_IN_FLIGHT = 2
# A page of rows is a few hundred kilobytes; with a pipe that holds it whole, handing it over
# is one copy and never waits for the helper to read.
_PIPE_BYTES = 1 << 20


class WriterProcessFailed(Exception):
    """The helper could not commit a batch: SQLite's result code and message, or -1 if it died."""

    def __init__(self, sqlite_code: int, message: str) -> None:
        super().__init__(message)
        self.sqlite_code = sqlite_code


class SqliteWriterProcess:
    """One helper process writing to one SQLite file, in the order batches were submitted."""

    def __init__(self, path: str, pragmas: Sequence[str]) -> None:
        # A fresh interpreter rather than a fork: the kiosk forks from a thread of a Qt
        # application, and a fork would copy locks other threads hold.
        context = multiprocessing.get_context("spawn")
        batches_out, self._batches = context.Pipe(duplex=False)
        self._answers, answers_in = context.Pipe(duplex=False)
        _widen(self._batches)
        self._process = context.Process(
            target=_serve, args=(batches_out, answers_in, path, list(pragmas)),
            name="kiosk-cache-writer", daemon=True,
        )  # fmt: skip
        self._process.start()
        batches_out.close()
        answers_in.close()
        self._in_flight = 0
        self._committed = 0

    def submit(self, statements: Sequence[Statement]) -> None:
        """Hand over one transaction; returns once at most one batch before it is uncommitted."""
        data = pickle.dumps(list(statements), pickle.HIGHEST_PROTOCOL)
        while self._in_flight >= _IN_FLIGHT:
            self._next_answer()
        try:
            self._batches.send_bytes(data)
        except OSError as error:
            self.wait()  # an answer that says why it stopped comes first
            raise self._died() from error
        self._in_flight += 1

    def committed(self) -> int:
        """How many batches the helper has committed so far, without waiting for more."""
        while self._in_flight and self._answers.poll():
            self._next_answer()
        return self._committed

    def wait(self) -> None:
        """Return once everything submitted is committed; raise what stopped it otherwise."""
        while self._in_flight:
            self._next_answer()

    def close(self) -> None:
        """Stop the helper; a batch it holds is finished or rolled back, never halved."""
        try:
            self._batches.close()
            self._answers.close()
        finally:
            self._process.join(timeout=10)
            if self._process.is_alive():
                self._process.kill()
                self._process.join()

    def _next_answer(self) -> None:
        self._in_flight -= 1
        try:
            answer = self._answers.recv_bytes()
        except (EOFError, OSError) as error:
            raise self._died() from error
        if answer != _COMMITTED:
            # The batches behind a failed one are not written, nor answered.
            self._in_flight = 0
            code, message = pickle.loads(answer)
            raise WriterProcessFailed(code, message)
        self._committed += 1

    def _died(self) -> WriterProcessFailed:
        self._process.join(timeout=1)
        return WriterProcessFailed(
            -1, f"the cache writer process stopped (exit code {self._process.exitcode})"
        )


def _widen(pipe: Connection) -> None:
    # Not on Linux, or above the system's limit, handing over waits for the helper to read.
    with contextlib.suppress(ImportError, AttributeError, OSError):
        import fcntl

        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, _PIPE_BYTES)


def _serve(batches: Connection, answers: Connection, path: str, pragmas: list[str]) -> None:
    """The helper's loop: run each batch in one transaction and answer, until the pipe closes.

    After a failure it answers once more, with the reason, then only reads: the batches behind
    a failed one must not be written without it.
    """
    database: sqlite3.Connection | None = None
    failure: bytes | None = None
    try:
        database = sqlite3.connect(path, isolation_level=None)
        for pragma in pragmas:
            database.execute(pragma)
    except sqlite3.Error as error:
        failure = _failure(error)
    failure_told = False
    listening = True
    while True:
        try:
            message = batches.recv_bytes()
        except EOFError:
            break
        if failure is None and database is not None:
            failure = _commit(database, pickle.loads(message))
            answer = failure or _COMMITTED
        elif failure_told:
            continue
        else:
            answer = failure or _COMMITTED
        failure_told = failure is not None
        if listening:
            try:
                answers.send_bytes(answer)
            except OSError:
                # The caller is gone. What it handed over is whole pages, each with the
                # cursor that says it is stored: writing the rest in order loses nothing.
                listening = False
    if database is not None:
        database.close()


def _commit(database: sqlite3.Connection, batch: list[Statement]) -> bytes | None:
    """Run one batch in one transaction; the failure to answer with, if it failed."""
    try:
        database.execute("BEGIN IMMEDIATE")
        for sql, rows in batch:
            if rows:
                database.executemany(sql, rows)
        database.execute("COMMIT")
    except sqlite3.Error as error:
        if database.in_transaction:
            database.execute("ROLLBACK")
        return _failure(error)
    return None


def _failure(error: sqlite3.Error) -> bytes:
    return pickle.dumps((getattr(error, "sqlite_errorcode", 1), str(error)))
