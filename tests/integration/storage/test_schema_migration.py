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


def test_upgrading_to_0011_counts_the_history_and_days_already_there(engine: Engine):
    """A cache upgraded with preference history and deliveries in it reports on them at once:
    channel_moves and deliveries.created_day are filled from what was there."""
    from alembic import command

    config = Config()
    config.set_main_option("script_location", str(migrations_path()))
    history = [  # (customer, channel, consent): C2's second value was recorded earlier
        ("C1", "EMAIL", "2026-01-10 09:00:00"), ("C2", "BOTH", "2026-02-20 12:00:00"),
        ("C2", "PAPER", "2026-02-10 08:00:00"), ("C1", "PAPER", "2026-03-04 10:00:00"),
    ]  # fmt: skip
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0010_customer_ledger")
        for customer, channel, consent in history:
            connection.execute(
                text(
                    "INSERT INTO billing_preference_history (customer_code, channel, consent_at,"
                    " registered_by, branch, source, recorded_at) VALUES (:c, :ch, :at, 'maria',"
                    " 'MTY', 'kiosk', :at)"
                ),
                {"c": customer, "ch": channel, "at": consent},
            )
        connection.execute(
            text(
                "INSERT INTO deliveries (doc_entry, doc_num, customer_code, channel, reason,"
                " destination, state, requested_by, attempts, created_at, updated_at, document)"
                " VALUES (1, 1001, 'C1', 'email', 'requested', 'x', 'sent', 'kiosk', 1,"
                " '2026-03-05 23:30:00', '2026-03-05 23:30:00', 'invoice')"
            )
        )

    upgrade_schema(engine, migrations_path())

    with engine.connect() as connection:
        moves = {
            (str(day)[:10], channel): change
            for day, channel, change in connection.execute(
                text("SELECT day, channel, change FROM channel_moves")
            )
        }
        created_day = connection.execute(text("SELECT created_day FROM deliveries")).scalar()
    # C1: e-mail from 10 January, paper from 4 March; C2: paper from 10 February, then both
    # from 20 February (consent order, whatever the order they were recorded in).
    assert moves == {
        ("2026-01-10", "EMAIL"): 1, ("2026-03-04", "EMAIL"): -1, ("2026-03-04", "PAPER"): 1,
        ("2026-02-10", "PAPER"): 1, ("2026-02-20", "PAPER"): -1, ("2026-02-20", "BOTH"): 1,
    }  # fmt: skip
    assert str(created_day)[:10] == "2026-03-05"
