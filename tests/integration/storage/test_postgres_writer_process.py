"""The cache writer process on PostgreSQL: batches committed in order, COPY streams included,
a refused batch named and nothing behind it written, an unreachable server told as such."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text

from kiosk.services.errors import DatabaseUnavailable
from kiosk.storage.database import unavailable_on_driver_error
from kiosk.storage.postgres_writer_target import ONCE, PostgresServer
from kiosk.storage.writer_process import WriterProcess, WriterProcessFailed
from tests.fixtures.postgres import empty_postgres

INSERT = "INSERT INTO notes (id, text) VALUES (%s, %s)"
COPY = "COPY notes (id, text) FROM STDIN"


@pytest.fixture
def database() -> Iterator[Engine]:
    engine = empty_postgres()
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS notes"))
        connection.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)"))
    yield engine
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE notes"))
    engine.dispose()


def notes(engine: Engine) -> list[tuple[int, str]]:
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, text FROM notes ORDER BY id"))
        return [(row.id, row.text) for row in rows]


def test_batches_of_copies_and_statements_are_committed_in_order(database):
    writer = WriterProcess(PostgresServer.of(database))
    try:
        writer.submit([(COPY, [(1, "uno\tcon tabulador"), (2, "dos\nen dos líneas")])])
        writer.submit([(INSERT, [(3, "tres"), (4, "cuatro")])])
        writer.submit([("UPDATE notes SET text = upper(text) WHERE id = 4", ONCE)])
        writer.wait()
        assert writer.committed() == 3
    finally:
        writer.close()

    assert notes(database) == [
        (1, "uno\tcon tabulador"),
        (2, "dos\nen dos líneas"),
        (3, "tres"),
        (4, "CUATRO"),
    ]


def test_a_refused_batch_is_named_and_the_batch_behind_it_is_not_written(database):
    writer = WriterProcess(PostgresServer.of(database))
    try:
        writer.submit([(COPY, [(1, "uno")])])
        writer.submit([(COPY, [(2, "dos"), (1, "otra vez uno")])])  # the primary key refuses it
        writer.submit([(COPY, [(3, "tres")])])
        with pytest.raises(WriterProcessFailed) as failed:
            writer.wait()
    finally:
        writer.close()

    assert 'duplicate key value violates unique constraint "notes_pkey"' in str(failed.value)
    assert failed.value.code == "23505" and failed.value.kind == "refused"
    assert notes(database) == [(1, "uno")]  # the failed batch rolled back whole, 3 not written


def test_a_server_that_refuses_the_connection_is_the_cache_being_unavailable(database):
    unreachable = PostgresServer((), {"host": "127.0.0.1", "port": 1, "dbname": "kiosk"})
    writer = WriterProcess(unreachable)

    with pytest.raises(DatabaseUnavailable) as unavailable, unavailable_on_driver_error(database):
        try:
            writer.submit([(INSERT, [(1, "uno")])])
            writer.wait()
        finally:
            writer.close()

    assert "unavailable" in str(unavailable.value) and "refused" in str(unavailable.value)
