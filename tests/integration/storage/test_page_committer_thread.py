"""The helper thread that commits a bulk pass's pages on a database server: pages are committed
in order, and a page the database refuses stops the pass at its next page or its end."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from kiosk.storage.invoice_page_writer import _ThreadCommitter


@pytest.fixture
def table(engine: Engine) -> Iterator[Engine]:
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE pages (number INTEGER PRIMARY KEY)"))
    yield engine
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE pages"))


def insert(engine: Engine, number: int):
    mark = "?" if engine.dialect.paramstyle == "qmark" else "%s"
    return [(f"INSERT INTO pages (number) VALUES ({mark})", [(number,)])]


def test_pages_are_committed_in_order_and_counted(table: Engine):
    committer = _ThreadCommitter(table)
    for number in range(1, 6):
        committer.submit(insert(table, number))
    committer.wait()
    committer.close()

    assert committer.committed() == 5
    with table.connect() as connection:
        stored = connection.execute(text("SELECT number FROM pages ORDER BY number")).scalars()
        assert list(stored) == [1, 2, 3, 4, 5]


def test_a_refused_page_is_raised_and_no_later_page_is_written(table: Engine):
    committer = _ThreadCommitter(table)
    committer.submit(insert(table, 1))
    committer.submit(insert(table, 1))  # the same key again: refused
    with pytest.raises(DBAPIError):
        committer.submit(insert(table, 2))
        committer.wait()
    committer.close()

    with table.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM pages")).scalar_one() == 1
