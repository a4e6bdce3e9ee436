"""Building the kiosk's ready-to-use services from its settings."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.app.settings import DatabaseSettings, Settings
from kiosk.bundled_files import migrations_path
from kiosk.services.invoice_lookup import InvoiceLookup
from kiosk.services.ports import Clock
from kiosk.services.system_clock import SystemClock
from kiosk.storage.database import Engine, create_database_engine
from kiosk.storage.invoice_store import SqlInvoiceStore
from kiosk.storage.schema_migration import ensure_schema


@dataclass(frozen=True)
class Services:
    """The objects commands and screens work with."""

    store: SqlInvoiceStore
    lookup: InvoiceLookup
    clock: Clock


def database_engine(database: DatabaseSettings) -> Engine:
    """An engine for the configured database, not yet migrated."""
    return create_database_engine(database.url, busy_timeout_ms=database.busy_timeout_ms)


def open_store(database: DatabaseSettings) -> SqlInvoiceStore:
    """Open the local cache, applying pending migrations first."""
    engine = database_engine(database)
    ensure_schema(engine, migrations_path())
    return SqlInvoiceStore(engine)


def build_services(settings: Settings) -> Services:
    """Wire storage and use cases together."""
    store = open_store(settings.database)
    return Services(store=store, lookup=InvoiceLookup(store), clock=SystemClock())
