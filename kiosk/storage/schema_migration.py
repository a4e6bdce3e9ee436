"""Bringing a database to the schema this code expects, and refusing one that is newer."""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import Engine, inspect, text

from kiosk.services.errors import ExternalRejected
from kiosk.storage.database import describe, unavailable_on_driver_error

logger = logging.getLogger(__name__)

# The newest migration in sqlite/migrations/versions; a test keeps the two in step.
# Knowing it here lets an up-to-date database open without importing Alembic at all.
SCHEMA_HEAD = "0016_delta_at_scale"
VERSION_TABLE = "alembic_version"
UPGRADE_LOCK = {"high": 0x6B696F73, "low": 2}
"""The advisory lock a schema upgrade holds on PostgreSQL ("kios", 2; the sync lease is 1)."""


class DatabaseTooNew(ExternalRejected):
    """The database was written by a newer kiosk than this one."""


def current_revision(engine: Engine) -> str | None:
    """Return the schema revision stored in the database, or None for an empty database."""
    with unavailable_on_driver_error(engine), engine.connect() as connection:
        if not inspect(connection).has_table(VERSION_TABLE):
            return None
        return connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def ensure_schema(engine: Engine, migrations_dir: Path) -> str:
    """Upgrade the database to SCHEMA_HEAD if it is older; refuse it if it is newer."""
    revision = current_revision(engine)
    if revision == SCHEMA_HEAD:
        return revision
    return upgrade_schema(engine, migrations_dir)


def upgrade_schema(engine: Engine, migrations_dir: Path) -> str:
    """Apply every pending Alembic migration and return the revision reached."""
    from alembic import command
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    script = ScriptDirectory.from_config(config)
    known = {revision.revision for revision in script.walk_revisions()}
    revision = current_revision(engine)
    if revision is not None and revision not in known:
        raise DatabaseTooNew(
            f"the database {describe(engine)} has schema revision {revision}, which is newer "
            f"than this kiosk knows (up to {SCHEMA_HEAD}); install the newer kiosk version "
            "or point database.url at another database",
            code="schema-too-new",
        )
    with unavailable_on_driver_error(engine), engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            # Kiosks of a branch started together upgrade one after the other: the others
            # wait here, then find the schema at head. DDL is transactional on PostgreSQL.
            connection.execute(text("SELECT pg_advisory_xact_lock(:high, :low)"), UPGRADE_LOCK)
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    reached = current_revision(engine)
    logger.info("database %s at schema %s (was %s)", describe(engine), reached, revision)
    return reached or ""
