"""Building the kiosk's ready-to-use services from its settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from kiosk.app.settings import DatabaseSettings, Settings
from kiosk.bundled_files import migrations_path
from kiosk.sap_b1.client import ServiceLayerClient
from kiosk.sap_b1.config import ServiceLayerConfig
from kiosk.services.invoice_lookup import InvoiceLookup
from kiosk.services.outbox import OutboxAdministration
from kiosk.services.ports import Clock
from kiosk.services.preferences import PreferenceService
from kiosk.services.sync import SyncService
from kiosk.services.system_clock import SystemClock
from kiosk.storage.database import Engine, create_database_engine
from kiosk.storage.invoice_store import SqlInvoiceStore
from kiosk.storage.outbox_store import SqlOutboxStore
from kiosk.storage.preference_store import SqlPreferenceStore
from kiosk.storage.schema_migration import ensure_schema
from kiosk.storage.sync_cursor_store import SqlSyncCursorStore


@dataclass(frozen=True)
class Services:
    """The objects commands and screens work with."""

    store: SqlInvoiceStore
    lookup: InvoiceLookup
    clock: Clock
    preferences: PreferenceService
    outbox: OutboxAdministration
    outbox_store: SqlOutboxStore
    cursors: SqlSyncCursorStore
    preference_store: SqlPreferenceStore


def database_engine(database: DatabaseSettings) -> Engine:
    """An engine for the configured database, not yet migrated."""
    return create_database_engine(database.url, busy_timeout_ms=database.busy_timeout_ms)


def open_store(database: DatabaseSettings) -> SqlInvoiceStore:
    """Open the local cache, applying pending migrations first."""
    engine = database_engine(database)
    ensure_schema(engine, migrations_path())
    return SqlInvoiceStore(engine)


def sap_client(settings: Settings) -> ServiceLayerClient:
    """A Service Layer client for the configured company (not logged in yet)."""
    sap = settings.sap
    return ServiceLayerClient(
        ServiceLayerConfig(
            base_url=sap.base_url,
            company_db=sap.company_db,
            username=sap.username,
            password=sap.password.get_secret_value(),
            verify=sap.verify,
            page_size=sap.page_size,
            connect_timeout_seconds=sap.connect_timeout_seconds,
            read_timeout_seconds=sap.read_timeout_seconds,
            billing_channel_field=sap.billing_channel_field,
            billing_email_field=sap.billing_email_field,
            kiosk_reference_field=sap.kiosk_reference_field,
        )
    )


def build_services(settings: Settings) -> Services:
    """Wire storage and use cases together."""
    store = open_store(settings.database)
    clock = SystemClock()
    engine = store.engine
    outbox_store = SqlOutboxStore(engine)
    preference_store = SqlPreferenceStore(engine)
    return Services(
        store=store,
        lookup=InvoiceLookup(store),
        clock=clock,
        preferences=PreferenceService(store, preference_store, clock, branch=settings.kiosk.branch),
        outbox=OutboxAdministration(outbox_store, clock),
        outbox_store=outbox_store,
        cursors=SqlSyncCursorStore(engine),
        preference_store=preference_store,
    )


def sync_service(
    settings: Settings, services: Services, gateway: ServiceLayerClient
) -> SyncService:
    """A sync service over the configured SAP company and the local cache."""
    return SyncService(
        gateway,
        services.store,
        services.cursors,
        services.outbox_store,
        services.preference_store,
        services.clock,
        overlap=timedelta(days=settings.sync.overlap_days),
    )
