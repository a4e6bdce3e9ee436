"""Opening the database: engine, SQLite pragmas, and turning driver errors into kiosk errors."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError

from kiosk.services.errors import ExternalUnavailable

logger = logging.getLogger(__name__)


def create_database_engine(url: str, *, busy_timeout_ms: int = 5000) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys, a busy timeout and its folder made."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(parsed, connect_args={"timeout": busy_timeout_ms / 1000})

    @event.listens_for(engine, "connect")
    def _set_pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        # NORMAL is durable across application crashes in WAL mode; only a power cut can
        # lose the last transactions, never corrupt the file.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine


def describe(engine: Engine) -> str:
    """Name the database for messages, without any password in the URL."""
    return engine.url.render_as_string(hide_password=True)


@contextmanager
def unavailable_on_driver_error(engine: Engine) -> Iterator[None]:
    """Turn 'cannot open', 'locked' and 'disk full' errors into ExternalUnavailable."""
    try:
        yield
    except OperationalError as error:
        reason = str(error.orig).splitlines()[0] if error.orig else str(error)
        logger.warning("database %s unavailable: %s", describe(engine), reason)
        raise ExternalUnavailable(f"database {describe(engine)} unavailable: {reason}") from error
    except DBAPIError as error:
        if error.connection_invalidated:
            raise ExternalUnavailable(f"database {describe(engine)} connection lost") from error
        raise


__all__ = ["Engine", "create_database_engine", "describe", "unavailable_on_driver_error"]
