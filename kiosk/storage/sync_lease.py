"""The sync lease on the database: a PostgreSQL advisory lock held for the pass, or, on SQLite,
a lease always granted (one client per file, as before).

The advisory lock belongs to one server connection, so it goes the moment its holder does: at
once when the process dies (kill -9 closes its socket), and within about half a minute when the
cable is pulled, because that connection asks the server for short TCP keepalives and a user
timeout. The `sync_leases` row is only what the other clients show; whether the holder is alive
is read from `pg_locks`, never guessed from a heartbeat.
"""

from __future__ import annotations

import logging
import time
from typing import Any, cast

from sqlalchemy import Connection, Engine, Table, insert, select, text, update

from kiosk.services.errors import ExternalUnavailable
from kiosk.services.ports.clock import Clock
from kiosk.services.ports.lease import LeaseGrant, LeaseHolder
from kiosk.storage.database import unavailable_on_driver_error
from kiosk.storage.tables import LeaseGrantRow, SyncLeaseRow

logger = logging.getLogger(__name__)

leases = cast(Table, SyncLeaseRow.__table__)
grants = cast(Table, LeaseGrantRow.__table__)

SYNC = "sync"
LOCK = {"high": 0x6B696F73, "low": 1}
"""The two-key form of the advisory lock: "kios" and 1, the sync lease of this database (2 is
the schema upgrade's)."""
PROGRESS_EVERY_SECONDS = 1.0
# Server-side: how soon PostgreSQL drops a holder whose machine went silent (about 25 s).
HOLDER_CONNECTION_SETTINGS = (
    "SET tcp_keepalives_idle = 10",
    "SET tcp_keepalives_interval = 5",
    "SET tcp_keepalives_count = 3",
    "SET tcp_user_timeout = 20000",
)


def sync_lease(engine: Engine, holder: str, clock: Clock) -> PostgresSyncLease | SingleClientLease:
    """The lease that fits the database behind `engine`; times are the kiosks' local time,
    like every other time in the cache."""
    if engine.dialect.name == "postgresql":
        return PostgresSyncLease(engine, holder, clock)
    return SingleClientLease()


class SingleClientLease:
    """SQLite: one client per cache file, so the lease is always this client's."""

    shared = False

    def try_acquire(self) -> bool:
        return True

    def note_progress(self, activity: str, count: int) -> None:
        return None

    def release(self, error: str | None) -> None:
        return None

    def holder(self) -> LeaseHolder | None:
        return None

    def grants(self, limit: int = 20) -> list[LeaseGrant]:
        return []


class PostgresSyncLease:
    """An advisory lock on a connection of its own, kept for the pass; autocommit, so the
    connection never sits in an open transaction while the pass talks to SAP."""

    shared = True

    def __init__(self, engine: Engine, holder: str, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock
        self._holder = holder
        self._connection: Connection | None = None
        self._noted_at = 0.0

    def try_acquire(self) -> bool:
        if self._connection is not None:
            return True
        with unavailable_on_driver_error(self._engine):
            connection = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            try:
                for setting in HOLDER_CONNECTION_SETTINGS:
                    connection.exec_driver_sql(setting)
                got = connection.execute(
                    text("SELECT pg_try_advisory_lock(:high, :low)"), LOCK
                ).scalar_one()
                if not got:
                    connection.close()
                    return False
                self._granted(connection)
            except BaseException:
                connection.invalidate()
                connection.close()
                raise
        self._connection = connection
        logger.info("sync lease granted to %s", self._holder)
        return True

    def note_progress(self, activity: str, count: int) -> None:
        if self._connection is None or time.monotonic() - self._noted_at < PROGRESS_EVERY_SECONDS:
            return
        self._noted_at = time.monotonic()
        with unavailable_on_driver_error(self._engine):
            self._connection.execute(
                update(leases)
                .where(leases.c.name == SYNC)
                .values(activity=activity, progress=count, heartbeat_at=self._clock.now())
            )

    def release(self, error: str | None) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            with unavailable_on_driver_error(self._engine):
                connection.execute(
                    update(leases)
                    .where(leases.c.name == SYNC)
                    .values(
                        finished_at=self._clock.now(), heartbeat_at=self._clock.now(),
                        outcome="error" if error else "ok", error=error,
                    )
                )  # fmt: skip
                connection.execute(text("SELECT pg_advisory_unlock(:high, :low)"), LOCK)
        except ExternalUnavailable:
            # The connection is gone, and the lock with it: nothing more to let go.
            connection.invalidate()
        finally:
            connection.close()

    def holder(self) -> LeaseHolder | None:
        held = text(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted"
            " AND classid = :high AND objid = :low AND objsubid = 2"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))"
        )
        with unavailable_on_driver_error(self._engine), self._engine.connect() as connection:
            row = connection.execute(select(leases).where(leases.c.name == SYNC)).first()
            running = connection.execute(held, LOCK).scalar_one()
        if row is None:
            return None
        return LeaseHolder(
            holder=row.holder, granted_at=row.granted_at, heartbeat_at=row.heartbeat_at,
            running=bool(running) and row.finished_at is None, activity=row.activity,
            progress=row.progress, finished_at=row.finished_at, outcome=row.outcome,
            error=row.error,
        )  # fmt: skip

    def grants(self, limit: int = 20) -> list[LeaseGrant]:
        query = select(grants).order_by(grants.c.id.desc()).limit(limit)
        with unavailable_on_driver_error(self._engine), self._engine.connect() as connection:
            return [LeaseGrant(row.holder, row.granted_at) for row in connection.execute(query)]

    def _granted(self, connection: Connection) -> None:
        now = self._clock.now()
        values: dict[str, Any] = {
            "holder": self._holder, "granted_at": now, "heartbeat_at": now, "activity": None,
            "progress": 0, "finished_at": None, "outcome": None, "error": None,
        }  # fmt: skip
        changed = connection.execute(update(leases).where(leases.c.name == SYNC).values(values))
        if changed.rowcount == 0:
            # Only the lock holder writes here, so the first grant cannot race another insert.
            connection.execute(insert(leases).values(name=SYNC, **values))
        connection.execute(insert(grants).values(name=SYNC, holder=self._holder, granted_at=now))
        self._noted_at = 0.0  # the first progress of the pass is always written
