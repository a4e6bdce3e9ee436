"""Migrations on a real database: from empty, idempotent, in step with the models, newer refused."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text

from kiosk.bundled_files import migrations_path
from kiosk.storage.invoice_store import SqlInvoiceStore
from kiosk.storage.schema_migration import (
    SCHEMA_HEAD,
    DatabaseTooNew,
    current_revision,
    ensure_schema,
    upgrade_schema,
)
from kiosk.storage.tables import Base
from tests.builders import make_invoice


def test_migrates_an_empty_database_to_the_head(engine: Engine):
    assert current_revision(engine) is None

    assert ensure_schema(engine, migrations_path()) == SCHEMA_HEAD

    tables = set(inspect(engine).get_table_names())
    assert {"customers", "invoices", "invoice_lines", "billing_preferences", "outbox"} <= tables
    assert "sync_cursors" in tables and "customer_name_words" in tables


def test_upgrading_again_changes_nothing_and_keeps_data(engine: Engine):
    upgrade_schema(engine, migrations_path())
    SqlInvoiceStore(engine).upsert_invoices([make_invoice(7)])

    assert upgrade_schema(engine, migrations_path()) == SCHEMA_HEAD
    assert ensure_schema(engine, migrations_path()) == SCHEMA_HEAD
    assert SqlInvoiceStore(engine).invoices_by_number(1007)[0].doc_entry == 7


def test_a_database_from_a_newer_kiosk_is_refused(engine: Engine):
    upgrade_schema(engine, migrations_path())
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0999_future'"))

    with pytest.raises(DatabaseTooNew) as raised:
        ensure_schema(engine, migrations_path())

    message = str(raised.value)
    assert "0999_future" in message and "newer than this kiosk" in message
    assert SCHEMA_HEAD in message


def test_migrations_produce_exactly_the_models(engine: Engine):
    upgrade_schema(engine, migrations_path())

    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)

    assert differences == []


def test_schema_head_constant_matches_the_newest_migration():
    config = Config()
    config.set_main_option("script_location", str(migrations_path()))

    assert ScriptDirectory.from_config(config).get_heads() == [SCHEMA_HEAD]


def test_sqlite_runs_with_wal_foreign_keys_and_busy_timeout(engine: Engine):
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000
