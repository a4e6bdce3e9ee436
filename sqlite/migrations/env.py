"""Alembic environment: migrates the connection the kiosk hands over, or sqlalchemy.url for developers."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from kiosk.storage.tables import Base


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds tables the portable way.
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    engine = create_engine(context.config.get_main_option("sqlalchemy.url") or "sqlite://")
    with engine.begin() as developer_connection:
        _run(developer_connection)
