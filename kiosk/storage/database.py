"""Opening the database: engine, SQLite pragmas, and turning driver errors into kiosk errors."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError

from kiosk.services.errors import DatabaseUnavailable, ExternalRejected, ExternalUnavailable
from kiosk.storage.writer_process import (
    DAMAGED_SQLITE_CODES,
    UNAVAILABLE_SQLITE_CODES,
    WriterProcessFailed,
)

logger = logging.getLogger(__name__)


def create_database_engine(
    url: str, *, busy_timeout_ms: int = 5000, make_folder: bool = True
) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys, a busy timeout and its folder made
    (or, with `make_folder` False, a missing folder refused: a mistyped path would otherwise
    start an empty cache)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        folder = Path(parsed.database).expanduser().parent
        if not make_folder and not folder.is_dir():
            raise ExternalRejected(
                f"the database folder {folder} does not exist: create it, or correct database.url",
                code="no-database-folder",
            )
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise ExternalUnavailable(
                f"cannot create the database folder {folder}: {error.strerror}"
            ) from error
    engine = create_engine(parsed, connect_args={"timeout": busy_timeout_ms / 1000})

    pragmas = _sqlite_pragmas(busy_timeout_ms)

    @event.listens_for(engine, "connect")
    def _set_pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        for pragma in pragmas:
            cursor.execute(pragma)
        cursor.close()

    return engine


def sqlite_file(engine: Engine) -> tuple[str, list[str]] | None:
    """The file behind a SQLite engine and the pragmas its connections start with, else None."""
    path = engine.url.database
    if engine.dialect.name != "sqlite" or not path or path == ":memory:":
        return None
    with unavailable_on_driver_error(engine), engine.connect() as connection:
        busy_timeout_ms = connection.exec_driver_sql("PRAGMA busy_timeout").scalar_one()
    return path, _sqlite_pragmas(int(busy_timeout_ms))


def _sqlite_pragmas(busy_timeout_ms: int) -> list[str]:
    return [
        "PRAGMA journal_mode=WAL",
        "PRAGMA foreign_keys=ON",
        f"PRAGMA busy_timeout={int(busy_timeout_ms)}",
        # NORMAL is durable across application crashes in WAL mode; only a power cut can
        # lose the last transactions, never corrupt the file.
        "PRAGMA synchronous=NORMAL",
        # 16 MB of page cache per connection (the default is 2 MB) keeps hot index pages close.
        "PRAGMA cache_size=-16384",
    ]


def describe(engine: Engine) -> str:
    """Name the database for messages, without any password in the URL."""
    return engine.url.render_as_string(hide_password=True)


@contextmanager
def unavailable_on_driver_error(engine: Engine) -> Iterator[None]:
    """Turn 'cannot open', 'locked', 'disk full' and lost connections into ExternalUnavailable,
    and a file that is no database into ExternalRejected; the cache writer process's too."""
    try:
        yield
    except DBAPIError as error:
        reason = str(error.orig).splitlines()[0] if error.orig else str(error)
        if getattr(error.orig, "sqlite_errorcode", 0) & 0xFF in DAMAGED_SQLITE_CODES:
            raise _damaged(engine, reason) from error
        if not _is_unavailability(error):
            raise
        raise _unavailable(engine, reason) from error
    except WriterProcessFailed as error:
        if error.kind == "damaged":
            raise _damaged(engine, str(error)) from error
        if error.kind == "refused":
            raise
        raise _unavailable(engine, str(error)) from error


@contextmanager
def connected(engine: Engine) -> Iterator[Connection]:
    """A connection for reads, with driver errors turned into the kiosk's."""
    with unavailable_on_driver_error(engine), engine.connect() as connection:
        yield connection


@contextmanager
def transaction(engine: Engine) -> Iterator[Connection]:
    """A connection in one transaction, committed at the end, with driver errors turned."""
    with unavailable_on_driver_error(engine), engine.begin() as connection:
        yield connection


def _damaged(engine: Engine, reason: str) -> ExternalRejected:
    return ExternalRejected(
        f"database {describe(engine)} is not a SQLite database or is damaged ({reason}); "
        "restore it from a backup or point database.url at another file",
        code="database-damaged",
    )


def _unavailable(engine: Engine, reason: str) -> DatabaseUnavailable:
    logger.info("database %s unavailable: %s", describe(engine), reason)
    return DatabaseUnavailable(f"database {describe(engine)} unavailable: {reason}")


def _is_unavailability(error: DBAPIError) -> bool:
    if error.connection_invalidated:
        return True
    sqlite_code = getattr(error.orig, "sqlite_errorcode", None)
    if sqlite_code is not None:
        return sqlite_code & 0xFF in UNAVAILABLE_SQLITE_CODES
    # Other drivers raise OperationalError for connection and server-side availability problems.
    return isinstance(error, OperationalError)


__all__ = [
    "Engine",
    "create_database_engine",
    "describe",
    "sqlite_file",
    "unavailable_on_driver_error",
]
