"""A helper process that commits batches of cache writes while the caller prepares the next.

SQLite, and the driver's formatting of rows for a database server, hold the interpreter lock
for much of a first download; in a second process they run on the other core. The helper
imports only the standard library (and, for a server, its driver), so it starts fast, and
commits each batch in one transaction before it acknowledges it (figures: README, Benchmarks).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import pickle
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, Literal, Protocol

Rows = Sequence[tuple[Any, ...]]
Statement = tuple[str, Rows]
"""SQL with the driver's placeholders and the rows it runs for; without rows it is skipped."""

_COMMITTED = b""
# Batches handed over but not yet acknowledged: one being committed, one waiting behind it, so
# a slow commit (a checkpoint) does not stall the caller.
_IN_FLIGHT = 2
# A page of rows is a few hundred kilobytes; with a pipe that holds it whole, handing it over
# is one copy and never waits for the helper to read.
_PIPE_BYTES = 1 << 20


FailureKind = Literal["refused", "unavailable", "damaged"]


@dataclass(frozen=True)
class Failure:
    """Why the helper could not commit: the driver's code (SQLite result code, PostgreSQL
    SQLSTATE; -1 when the helper died), its message, and whether waiting may help."""

    code: int | str
    message: str
    kind: FailureKind


class WriterProcessFailed(Exception):
    """The helper could not commit a batch (see `Failure`)."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.message)
        self.code = failure.code
        self.kind = failure.kind


class OpenDatabase(Protocol):
    def commit(self, batch: list[Statement]) -> Failure | None:
        """Run one batch in one transaction; why not, if it failed."""

    def close(self) -> None: ...


class WriterTarget(Protocol):
    """What the helper writes to; picklable, opened in the helper."""

    def open(self) -> OpenDatabase | Failure: ...


class WriterProcess:
    """One helper process writing to one database, in the order batches were submitted."""

    def __init__(self, target: WriterTarget) -> None:
        # A fresh interpreter rather than a fork: the kiosk forks from a thread of a Qt
        # application, and a fork would copy locks other threads hold.
        context = multiprocessing.get_context("spawn")
        batches_out, self._batches = context.Pipe(duplex=False)
        self._answers, answers_in = context.Pipe(duplex=False)
        _widen(self._batches)
        self._process = context.Process(
            target=_serve, args=(batches_out, answers_in, target),
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
            raise WriterProcessFailed(pickle.loads(answer))
        self._committed += 1

    def _died(self) -> WriterProcessFailed:
        self._process.join(timeout=1)
        message = f"the cache writer process stopped (exit code {self._process.exitcode})"
        return WriterProcessFailed(Failure(-1, message, "unavailable"))


def _widen(pipe: Connection) -> None:
    # Not on Linux, or above the system's limit, handing over waits for the helper to read.
    with contextlib.suppress(ImportError, AttributeError, OSError):
        import fcntl

        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, _PIPE_BYTES)


def _serve(batches: Connection, answers: Connection, target: WriterTarget) -> None:
    """The helper's loop: run each batch in one transaction and answer, until the pipe closes.

    After a failure it answers once more, with the reason, then only reads: the batches behind
    a failed one must not be written without it.
    """
    opened = target.open()
    database, failure = (None, opened) if isinstance(opened, Failure) else (opened, None)
    failure_told = False
    listening = True
    while True:
        try:
            message = batches.recv_bytes()
        except EOFError:
            break
        if failure is None and database is not None:
            failure = database.commit(pickle.loads(message))
        elif failure_told:
            continue
        answer = _COMMITTED if failure is None else pickle.dumps(failure)
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


# SQLite result codes that mean "cannot get at the file now", not "the request is wrong":
# PERM, BUSY, LOCKED, READONLY, IOERR, FULL, CANTOPEN.
UNAVAILABLE_SQLITE_CODES = {3, 5, 6, 8, 10, 13, 14}
# CORRUPT and NOTADB: waiting will not help, the file itself is wrong.
DAMAGED_SQLITE_CODES = {11, 26}


@dataclass(frozen=True)
class SqliteFile:
    """A SQLite file, opened with the pragmas the kiosk's own connections start with."""

    path: str
    pragmas: Sequence[str]

    def open(self) -> _OpenSqlite | Failure:
        try:
            database = sqlite3.connect(self.path, isolation_level=None)
            for pragma in self.pragmas:
                database.execute(pragma)
        except sqlite3.Error as error:
            return _sqlite_failure(error)
        return _OpenSqlite(database)


class _OpenSqlite:
    def __init__(self, database: sqlite3.Connection) -> None:
        self._database = database

    def commit(self, batch: list[Statement]) -> Failure | None:
        database = self._database
        try:
            database.execute("BEGIN IMMEDIATE")
            for sql, rows in batch:
                if rows:
                    database.executemany(sql, rows)
            database.execute("COMMIT")
        except sqlite3.Error as error:
            if database.in_transaction:
                database.execute("ROLLBACK")
            return _sqlite_failure(error)
        return None

    def close(self) -> None:
        self._database.close()


def _sqlite_failure(error: sqlite3.Error) -> Failure:
    code = getattr(error, "sqlite_errorcode", 1)
    kind: FailureKind = (
        "damaged"
        if code & 0xFF in DAMAGED_SQLITE_CODES
        else "unavailable"
        if code & 0xFF in UNAVAILABLE_SQLITE_CODES
        else "refused"
    )
    return Failure(code, str(error), kind)
