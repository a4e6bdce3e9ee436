"""The emulator on a real loopback port, and clients pointed at it, on both API versions."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime
from typing import Any

import pytest

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

NOW = datetime(2026, 11, 20, 10, 30, 0)
CUSTOMERS = 20
INVOICES = 120


@pytest.fixture(params=["v1", "v2"])
def api_version(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def emulator() -> Iterator[ServiceLayerEmulator]:
    data = EmulatorData(EmulatorClock(frozen_at=NOW))
    seed_demo_company(data, customers=CUSTOMERS, invoices=INVOICES)
    with ServiceLayerEmulator(data) as running:
        yield running


@pytest.fixture
def make_client(
    emulator: ServiceLayerEmulator, api_version: str
) -> Iterator[Callable[..., ServiceLayerClient]]:
    clients: list[ServiceLayerClient] = []

    def make(**overrides: Any) -> ServiceLayerClient:
        config = ServiceLayerConfig(
            base_url=emulator.service_root(api_version),
            company_db=DEMO_COMPANY,
            username=DEMO_USER,
            password=DEMO_PASSWORD,
            page_size=20,
            retry_base_delay_seconds=0.001,
            retry_max_delay_seconds=0.005,
        )
        client = ServiceLayerClient(replace(config, **overrides))
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def client(make_client: Callable[..., ServiceLayerClient]) -> ServiceLayerClient:
    return make_client()
