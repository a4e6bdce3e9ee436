"""Storage fixtures: a real SQLite file, and PostgreSQL too when KIOSK_TEST_POSTGRES_URL is set."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from kiosk.bundled_files import migrations_path
from kiosk.storage.database import create_database_engine
from kiosk.storage.invoice_store import SqlInvoiceStore
from kiosk.storage.schema_migration import ensure_schema
from tests.fixtures.postgres import BACKENDS, empty_postgres


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty database with no schema at all."""
    if request.param == "sqlite":
        created = create_database_engine(f"sqlite:///{tmp_path / 'cache.sqlite3'}")
    else:
        created = empty_postgres()
    yield created
    created.dispose()


@pytest.fixture
def store(engine: Engine) -> SqlInvoiceStore:
    ensure_schema(engine, migrations_path())
    return SqlInvoiceStore(engine)
