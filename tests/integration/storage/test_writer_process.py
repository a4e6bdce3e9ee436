"""The cache writer process commits batches in order on a real SQLite file, and says why not
(its PostgreSQL target: test_postgres_writer_process.py)."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3

import pytest

from kiosk.services.errors import ExternalUnavailable
from kiosk.storage.database import create_database_engine, unavailable_on_driver_error
from kiosk.storage.writer_process import SqliteFile, WriterProcess, WriterProcessFailed

INSERT = "INSERT INTO notes (id, text) VALUES (?, ?)"


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "notes.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)")
    return path


def notes(path) -> list[tuple[int, str]]:
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT id, text FROM notes ORDER BY id").fetchall()


@pytest.fixture
def writer(database):
    process = WriterProcess(SqliteFile(str(database), ["PRAGMA busy_timeout=5000"]))
    yield process
    process.close()


def test_batches_are_committed_in_order_and_counted(writer, database):
    for first in range(0, 30, 10):
        writer.submit([(INSERT, [(n, f"note {n}") for n in range(first, first + 10)])])

    writer.wait()

    assert writer.committed() == 3
    assert notes(database) == [(n, f"note {n}") for n in range(30)]


def test_a_failed_batch_names_sqlite_reason_and_the_batch_behind_it_is_not_written(
    writer, database
):
    writer.submit([(INSERT, [(1, "uno")])])
    writer.submit([(INSERT, [(2, "dos"), (1, "otra vez uno")])])  # the primary key refuses it
    writer.submit([(INSERT, [(3, "tres")])])

    with pytest.raises(WriterProcessFailed) as failed:
        writer.wait()

    assert "UNIQUE constraint failed: notes.id" in str(failed.value)
    assert failed.value.code & 0xFF == 19  # SQLITE_CONSTRAINT
    assert failed.value.kind == "refused"
    assert notes(database) == [(1, "uno")]  # the failed batch rolled back whole, 3 not written


def test_a_helper_that_dies_is_reported_as_the_cache_being_unavailable(writer, database):
    writer.submit([(INSERT, [(1, "uno")])])
    writer.wait()
    (helper,) = [p for p in multiprocessing.active_children() if p.name == "kiosk-cache-writer"]
    os.kill(helper.pid, signal.SIGKILL)
    helper.join(timeout=10)
    engine = create_database_engine(f"sqlite:///{database}")

    with pytest.raises(ExternalUnavailable) as unavailable, unavailable_on_driver_error(engine):
        writer.submit([(INSERT, [(2, "dos")])])
        writer.wait()

    assert "the cache writer process stopped" in str(unavailable.value)
    assert str(database) in str(unavailable.value)
    assert notes(database) == [(1, "uno")]


def test_what_was_handed_over_is_written_even_if_nobody_waits(database):
    writer = WriterProcess(SqliteFile(str(database), []))
    writer.submit([(INSERT, [(1, "uno")])])
    writer.submit([(INSERT, [(2, "dos")])])

    writer.close()  # without waiting for an answer

    assert notes(database) == [(1, "uno"), (2, "dos")]


def test_a_file_the_helper_cannot_open_is_reported_at_the_first_batch(tmp_path):
    writer = WriterProcess(SqliteFile(str(tmp_path / "missing" / "cache.sqlite3"), []))
    try:
        writer.submit([(INSERT, [(1, "uno")])])
        with pytest.raises(WriterProcessFailed) as failed:
            writer.wait()
    finally:
        writer.close()

    assert "unable to open database file" in str(failed.value)
    assert failed.value.code & 0xFF == 14  # SQLITE_CANTOPEN
    assert failed.value.kind == "unavailable"
