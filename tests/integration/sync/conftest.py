"""A kiosk with a real cache syncing with the emulator over real HTTP: on SQLite with v1 and
v2 of the Service Layer, and on PostgreSQL with v2 (the cache, not the API, is what differs)."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from kiosk.app.settings import load_settings
from kiosk.app.wiring import Services, build_services
from kiosk.sap_b1.client import ServiceLayerClient
from kiosk.sap_b1.config import ServiceLayerConfig
from kiosk.sap_emulator.clock import EmulatorClock
from kiosk.sap_emulator.data_store import EmulatorData
from kiosk.sap_emulator.demo_data import seed_demo_company
from kiosk.sap_emulator.server import (
    DEMO_COMPANY,
    DEMO_PASSWORD,
    DEMO_USER,
    ServiceLayerEmulator,
)
from kiosk.services.outbox import OutboxPusher
from kiosk.services.preferences import PreferenceService
from kiosk.services.sync import Progress, SyncReport, SyncService
from tests.fakes.mutable_clock import MutableClock

SAP_NOW = datetime(2026, 11, 20, 10, 30, 0)
CUSTOMERS = 30
INVOICES = 400


@dataclass
class Kiosk:
    """The kiosk's services over a real cache, with a hand-moved clock and a SAP address."""

    services: Services
    clock: MutableClock
    root: str
    clients: list[ServiceLayerClient] = field(default_factory=list)
    parallel: int = 4
    """sap.max_parallel_requests of the clients it makes (1: pages one after another)."""

    @property
    def preferences(self) -> PreferenceService:
        return PreferenceService(
            self.services.storage.invoices,
            self.services.storage.preferences,
            self.clock,
            branch="MTY-01",
        )

    def client(self) -> ServiceLayerClient:
        config = ServiceLayerConfig(
            self.root, DEMO_COMPANY, DEMO_USER, DEMO_PASSWORD, page_size=50, retries=2,
            retry_base_delay_seconds=0.001, retry_max_delay_seconds=0.002,
            max_parallel_requests=self.parallel,
        )  # fmt: skip
        client = ServiceLayerClient(config)
        self.clients.append(client)
        return client

    def sync(
        self, *, full: bool = False, progress: Progress | None = None, asked: bool = False
    ) -> SyncReport:
        """One pass with a fresh client, scheduled, or `asked` for as `kiosk sync` is."""
        return self.sync_service().run_once(full=full, progress=progress, asked=asked)

    def sync_service(self, **options: Any) -> SyncService:
        """The kiosk's sync over a fresh client, keeping the customer ledger as wiring does."""
        storage, client = self.services.storage, self.client()
        return SyncService(
            client, storage.cache, storage.cursors, storage.outbox, storage.preferences,
            self.clock, requests=storage.payment_requests,
            kiosk_number=self.services.payments.kiosk_number, ledger=storage.ledger,
            ledger_source=client, **options,
        )  # fmt: skip

    def pusher(self) -> OutboxPusher:
        return OutboxPusher(self.services.storage.outbox, self.client(), self.clock)


def unreachable_root() -> str:
    """A Service Layer address on a loopback port nothing listens on: SAP is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/b1s/v2/"


@pytest.fixture
def emulator() -> Iterator[ServiceLayerEmulator]:
    data = EmulatorData(EmulatorClock(frozen_at=SAP_NOW))
    seed_demo_company(data, customers=CUSTOMERS, invoices=INVOICES)
    with ServiceLayerEmulator(data) as running:
        yield running


def point_at(emulator: ServiceLayerEmulator, api_version: str, monkeypatch: pytest.MonkeyPatch):
    """Settings for the emulator's company, so that what the services fetch on first use (a
    stamped CFDI's XML) comes from it too."""
    for key, value in (
        ("BASE_URL", emulator.service_root(api_version)), ("COMPANY_DB", DEMO_COMPANY),
        ("USERNAME", DEMO_USER), ("PASSWORD", DEMO_PASSWORD),
    ):  # fmt: skip
        monkeypatch.setenv(f"KIOSK_SAP__{key}", value)


@pytest.fixture
def kiosk(
    emulator: ServiceLayerEmulator,
    api_version: str,
    cache_backend: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Kiosk]:
    point_at(emulator, api_version, monkeypatch)
    services = build_services(load_settings(None))
    made = Kiosk(
        services, MutableClock(SAP_NOW + timedelta(minutes=5)), emulator.service_root(api_version)
    )
    yield made
    for client in made.clients:
        client.close()
    services.close()


@pytest.fixture
def make_kiosk(
    emulator: ServiceLayerEmulator,
    api_version: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Callable[..., Kiosk]]:
    """More kiosks of the same company, each with its own SQLite file and kiosk number."""
    made: list[Kiosk] = []

    def make(cache: str, *, kiosk_number: int) -> Kiosk:
        monkeypatch.setenv("KIOSK_DATABASE__URL", f"sqlite:///{tmp_path / cache}.sqlite3")
        monkeypatch.setenv("KIOSK_PAYMENTS__KIOSK_NUMBER", str(kiosk_number))
        point_at(emulator, api_version, monkeypatch)
        services = build_services(load_settings(None))
        clock = MutableClock(SAP_NOW + timedelta(minutes=5))
        made.append(Kiosk(services, clock, emulator.service_root(api_version)))
        return made[-1]

    yield make
    for kiosk in made:
        for client in kiosk.clients:
            client.close()
        kiosk.services.close()


@pytest.fixture(params=["v1", "v2"])
def api_version(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """PostgreSQL runs with v2 only: the API version is already covered on SQLite."""
    dropped = [item for item in items if _v1_on_postgres(item)]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if not _v1_on_postgres(item)]


def _v1_on_postgres(item: pytest.Item) -> bool:
    params = getattr(getattr(item, "callspec", None), "params", {})
    return params.get("api_version") == "v1" and params.get("cache_backend") == "postgresql"
